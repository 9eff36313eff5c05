"""Online: what a digest lacks, asked of lore and kept in the index.

`queries` decides, purely, what is missing and how to ask for it; `lore` is the only
module that opens a socket (through liblore); `fetch` asks and stores the answers.
"""
