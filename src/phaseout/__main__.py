from phaseout.cli import main

main()
