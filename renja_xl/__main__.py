from renja_xl.frontends.cli import main

main()
