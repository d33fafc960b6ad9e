# R's order of text, for tests/core/factor_levels_test.cpp: levels(factor(x)) is sort(unique(x)), and R
# sorts text in its locale's collation (ICU's root collation in en_US.UTF-8 and C.UTF-8).
#
#   LC_ALL=en_US.UTF-8 Rscript tests/core/make_r_collation.R     (from the repository root; needs r-base-core)
#
# Writes tests/core/r_collation.txt: a header line naming R, the locale and the collator, then one label
# per line in R's order, as hexadecimal bytes (labels hold spaces, tabs, quotes and backslashes), a tab and
# the label itself for reading.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/core"

printable <- sapply(32:126, function(i) rawToChar(as.raw(i)))
set.seed(10)
letters_both <- c(letters[1:4], LETTERS[1:4])
pool <- c(rep(letters_both, 6), as.character(0:9), printable, "\t")
random <- replicate(400, paste(sample(pool, sample(1:5, 1), replace = TRUE), collapse = ""))
chosen <- c(printable, "\t",
            "b", "B", "a", "A", "a_1", "A1", "10", "9",                    # the issue's example
            "ab", "aB", "Ab", "AB", "abc", "aBc", "ABc", "Abc", "abC",       # case ties, decided left to right
            "a b", "a-b", "a_b", "a.b", "-a", " a", "a ", "a1", "a10", "a2", "a-1", "a_1", "a.1",
            "setosa", "Setosa", "SETOSA", "versicolor", "Versicolor", "virginica", "Virginica",
            "yes", "Yes", "no", "No", "class1", "Class1", "class_1", "class-1", "class 1")
x <- unique(c(chosen, random))
x <- x[!grepl("^ | $", x)]   # the CSV reader trims fields: no leading or trailing spaces
levels <- levels(factor(x))
hex <- vapply(levels, function(s) paste(sprintf("%02x", as.integer(charToRaw(s))), collapse = ""), "")
header <- sprintf("# %s, LC_COLLATE=%s, ICU collator %s: levels(factor(x)) for %d labels",
                  R.version.string, Sys.getlocale("LC_COLLATE"), icuGetCollate(), length(levels))
writeLines(c(header, paste0(hex, "\t", levels)), file.path(here, "r_collation.txt"))
cat(header, "\n")
