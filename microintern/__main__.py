from microintern.cli import main

main()
