"""Definitions: TOML files -> Exercise, Routine and Program, every mistake located by file, line and key path.

Built-in definitions live in library/; the user's own in their config folder; more can be named by path.
loader.py finds and loads them (load_library, find_routine), reader.py reads one file's tables, programs.py a
program's weeks, bounds.py what a routine can fill, describe.py shows one, starters.py writes new files,
config.py reads the config file, where.py locates a key's line. Import names from the module that defines them:
this package loads nothing itself, so a command that reads no definitions pays nothing for them.
"""
