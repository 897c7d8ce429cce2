"""How much of a result reaches the browser (the pages and the benchmark of what they run).

A browser table never gets more rows than MAX_SHOWN (the rest stays on the server), and
downloads are built only up to DOWNLOAD_MAX rows: beyond that a page points to the command line,
which writes any size. Large shops have millions of customers in an extraction list, so a list
query is run as a preview of MAX_SHOWN rows with the whole list's length.
"""

MAX_SHOWN = 1_000
DOWNLOAD_MAX = 200_000
