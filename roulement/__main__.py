from roulement.cli import main

main()
