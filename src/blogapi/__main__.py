from blogapi.cli import main

main()
