"""Reading the files an importer's accountant has: portal downloads, BoE lists, books, actions.
"""
