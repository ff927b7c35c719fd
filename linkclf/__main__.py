from linkclf.cli import main

main()
