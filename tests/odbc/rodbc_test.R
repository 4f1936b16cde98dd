# The ODBC driver from R's RODBC (Debian r-cran-rodbc), an independent ODBC
# client: rows, types, catalogue, errors, Unicode and a write, compared with
# what the jirasql command says of the same data (files written by
# rodbc_test.sh).
#   Rscript rodbc_test.R CONNECTION_STRING EXPECTED_DIR
library(RODBC)
args <- commandArgs(trailingOnly = TRUE)
conn <- args[1]
dir <- args[2]
failures <- 0
check <- function(ok, what) {
  if (!isTRUE(ok)) {
    failures <<- failures + 1
    cat("FAIL:", what, "\n")
  }
}
expected <- function(name) read.csv(file.path(dir, name), stringsAsFactors = FALSE, na.strings = "")

ch <- odbcDriverConnect(conn)
check(inherits(ch, "RODBC"), "odbcDriverConnect connects")

# Rows and types: datetimes, dates and numbers arrive as R's own types.
sql <- "SELECT Id, Key, Summary, Created, DueDate, TimeSpentSeconds FROM Issues ORDER BY Id"
got <- sqlQuery(ch, sql, stringsAsFactors = FALSE)
want <- expected("issues.csv")
check(is.data.frame(got), paste("sqlQuery returns rows:", paste(got, collapse = " ")))
check(nrow(got) == nrow(want), sprintf("%d rows, the CLI %d", nrow(got), nrow(want)))
check(identical(got$Key, want$Key), "keys as the CLI's")
check(identical(got$Summary, want$Summary), "summaries as the CLI's")
check(all(as.numeric(got$Id) == want$Id), "ids as the CLI's")
check(inherits(got$Created, "POSIXct"), paste("Created is POSIXct, not", class(got$Created)[1]))
check(identical(format(got$Created, "%Y-%m-%dT%H:%M:%S", tz = "UTC"), substr(want$Created, 1, 19)),
      "Created as the CLI's (UTC)")
check(inherits(got$DueDate, "Date"), paste("DueDate is a Date, not", class(got$DueDate)[1]))
check(identical(is.na(got$DueDate), is.na(want$DueDate)), "NULL due dates as NA")
check(identical(format(got$DueDate[!is.na(got$DueDate)]), want$DueDate[!is.na(want$DueDate)]), "due dates")
check(is.numeric(got$TimeSpentSeconds), "TimeSpentSeconds is numeric")
check(identical(as.numeric(got$TimeSpentSeconds), as.numeric(want$TimeSpentSeconds)), "time spent as the CLI's")

# The catalogue.
tables <- sqlTables(ch)
check(nrow(tables) == expected("tables.csv")$n, sprintf("sqlTables lists %d tables", nrow(tables)))
check("Issues" %in% tables$TABLE_NAME && "SYSTEM TABLE" %in% tables$TABLE_TYPE, "sqlTables names Issues and sys_*")
cols <- sqlColumns(ch, "Issues")
check(identical(cols$COLUMN_NAME, expected("columns.csv")$ColumnName), "sqlColumns: the columns of SELECT *")
check(cols$TYPE_NAME[cols$COLUMN_NAME == "Created"] == "TIMESTAMP", "Created's type is TIMESTAMP")
check(cols$COLUMN_SIZE[cols$COLUMN_NAME == "Key"] == 255, "Key is sized as a name")
check(identical(sqlPrimaryKeys(ch, "Comments")$COLUMN_NAME, "Id"), "Comments' primary key")

# Errors carry the SQLSTATE and jirasql's message.
err <- sqlQuery(ch, "SELECT Nope FROM Issues")
check(is.character(err) && any(grepl("42S22", err)) && any(grepl("no such column: Nope", err)),
      paste("an unknown column:", paste(err, collapse = " ")))

# Unicode both ways.
word <- "h\u00e9llo \u2713"
uni <- sqlQuery(ch, paste0("SELECT '", word, "' AS t"), stringsAsFactors = FALSE)
check(identical(enc2utf8(uni$t), word), paste("Unicode came back as", uni$t))

# A write, read back.
key <- want$Key[1]
done <- sqlQuery(ch, paste0("INSERT INTO Comments (IssueKey, Body) VALUES ('", key, "', 'Written from R')"))
check(identical(done, character(0)), paste("INSERT:", paste(done, collapse = " ")))
n <- sqlQuery(ch, paste0("SELECT count(*) AS n FROM Comments WHERE IssueKey = '", key, "' AND Body = 'Written from R'"))
check(n$n == 1, "the comment reads back")

close(ch)
if (failures > 0) quit(status = 1)
cat("rodbc_test: ok\n")
