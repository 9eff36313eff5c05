"""People: who wrote and who reviewed, counted once each.

Takes messages and revisions; gives identities (`identity`: mailmap, gitdm employer
maps, bots and relays), the contributor and domain tables (`stats`) and the review
tables (`reviews`). Pure, but for reading the map files that `identity` is given.
"""
