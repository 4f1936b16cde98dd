"""A full read of one SQL statement's rows from Python, through jirasql's
ODBC driver (pyodbc, Debian python3-pyodbc) or through Python's sqlite3 with
jirasql's loadable extension: every row fetched into Python objects, as an
application holds them. Prints the row count.

  odbc-scan.py pyodbc  LIBJIRASQLODBC SQL   (the connection from JIRASQL_CONNECT)
  odbc-scan.py sqlite3 LIBJIRASQL_SQLITE SQL
"""
import os
import sys

how, lib, sql = sys.argv[1:4]
connect = os.environ["JIRASQL_CONNECT"]
if how == "pyodbc":
    import pyodbc
    db = pyodbc.connect("DRIVER=%s;%s" % (lib, connect), autocommit=True)
else:
    import sqlite3
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(lib)
    db.execute("SELECT jirasql_connect(?)", (connect,))
cur = db.cursor()
cur.execute(sql)
n = 0
while True:
    rows = cur.fetchmany(1000)
    if not rows:
        break
    n += len(rows)
print(n)
