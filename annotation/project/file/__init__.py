"""The project file as a file: what can go wrong with it on disk, and the ways out.

`checks` looks at a file before anything is written to it; `wal` deals with the
write-ahead log beside it; `causes` names the real cause of an SQLite or OS error;
`places` recognises network shares and synced folders; `backup` and `recover` copy a
project, whole or what can still be read of it.
"""
