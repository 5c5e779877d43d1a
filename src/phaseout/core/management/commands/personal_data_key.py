"""Print a new key for PHASEOUT_DATA_KEYS (举报人信息加密密钥)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for PHASEOUT_DATA_KEYS (encryption of personal data at rest)."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode("ascii"))
