"""What a user touches: the command line, the Excel buttons and the Excel functions. They only present outcomes of renja_xl.app."""
