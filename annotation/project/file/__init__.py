"""The project file as a file: what can go wrong with it on disk, and the ways out.

`checks` looks at a file before anything is written to it; `wal` deals with the
write-ahead log beside it; `causes` names the real cause of an SQLite or OS error;
`places` recognises network shares and synced folders; `backup` copies a project whole.
What can still be read of a damaged one is copied by `annotation.project.recover`, above
this package, because it makes a new project (`annotation.project.db`).
"""
