# Reference fits of R's nnet (Venables & Ripley) for tests/nnet/nnet_test.cpp and labs/02_nnet.
#
#   Rscript tests/nnet/make_reference.R        (from the repository root; needs r-base-core, r-cran-nnet)
#
# Every case starts from fixed initial weights (drawn here with a fixed seed and written out with 17
# significant digits, so C++ reads back exactly the same doubles) and writes, under tests/nnet/:
#   <case>_weights.csv   initial and final weights, in R's order (by destination unit)
#   <case>_fitted.csv    R's fitted values, one row per sample, one column per output
#   <case>_summary.csv   the options of the fit, R's final objective ($value) and $convergence
#   <case>_trace.txt     what nnet printed with trace=TRUE
# and sine.csv, the regression data set (y = sin(x) + noise). The C++ test needs only these files.
suppressPackageStartupMessages(library(nnet))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/nnet"
root <- normalizePath(file.path(here, "..", ".."))

num <- function(v) sprintf("%.17g", v)
write_columns <- function(path, columns) {
  lines <- paste(names(columns), collapse = ",")
  rows <- do.call(paste, c(lapply(columns, num), sep = ","))
  writeLines(c(lines, rows), path)
}

# --- data: iris from the committed CSV (identical to R's datasets::iris), sine written here ---
iris_csv <- read.csv(file.path(root, "data", "iris.csv"), stringsAsFactors = TRUE)
stopifnot(identical(iris_csv[, 1:4], iris[, 1:4]),
          identical(as.character(iris_csv$Species), as.character(iris$Species)))

set.seed(7)
sine <- data.frame(x = seq(0, 2 * pi, length.out = 60))
sine$y <- sin(sine$x) + rnorm(nrow(sine), sd = 0.15)
write_columns(file.path(here, "sine.csv"), sine)
sine <- read.csv(file.path(here, "sine.csv"))   # fit what C++ reads: the doubles parsed from the file

iris_x <- as.matrix(iris_csv[, 1:4])
virginica <- data.frame(iris_csv[, 1:4], virginica = factor(iris_csv$Species == "virginica"))

# --- the cases: each a call of nnet with Wts = the fixed initial weights ---
# Each case is robust to a one-ulp change of a start weight (value within 1e-5, same local minimum, same
# convergence verdict), so the C++ test holds even where exp/log round differently (see docs/nnet.md);
# e.g. iris with entropy and decay 5e-4 from seed 12 is not, and was left out.
cases <- list(
  # (a) the lecture's classification: formula interface, 3 classes -> class.ind targets + softmax
  iris_softmax = list(nwts = 19, seed = 11, opts = list(size = 2, decay = 5e-4, maxit = 200),
                      fit = function(w, o) nnet(Species ~ ., data = iris_csv, size = o$size, decay = o$decay,
                                                maxit = o$maxit, Wts = w)),
  # 2 classes through the formula: one logistic output, entropy fitting
  iris_entropy = list(nwts = 13, seed = 12, opts = list(size = 2, decay = 1e-2, maxit = 500, entropy = TRUE),
                      fit = function(w, o) nnet(virginica ~ ., data = virginica, size = o$size, decay = o$decay,
                                                maxit = o$maxit, Wts = w)),
  # nnet's default: logistic outputs fitted by least squares to class.ind targets
  iris_logistic = list(nwts = 19, seed = 13, opts = list(size = 2, decay = 5e-4, maxit = 500),
                       fit = function(w, o) nnet(iris_x, class.ind(iris_csv$Species), size = o$size,
                                                 decay = o$decay, maxit = o$maxit, Wts = w)),
  # no hidden units, skip layer only: multinomial logistic regression (what multinom fits), stopped by
  # maxit: R prints "stopped after 30 iterations" and $convergence is 1
  iris_skip_stopped = list(nwts = 15, seed = 31, opts = list(size = 0, decay = 5e-4, maxit = 30, skip = TRUE),
                           fit = function(w, o) nnet(Species ~ ., data = iris_csv, size = o$size, skip = TRUE,
                                                     decay = o$decay, maxit = o$maxit, Wts = w)),
  # (b) regression: linear output, least squares
  sine_linout = list(nwts = 13, seed = 21, opts = list(size = 4, decay = 1e-3, maxit = 500, linout = TRUE),
                     fit = function(w, o) nnet(sine[, "x", drop = FALSE], sine$y, size = o$size, linout = TRUE,
                                               decay = o$decay, maxit = o$maxit, Wts = w)),
  # skip-layer connections: input -> output weights beside the hidden layer
  sine_skip = list(nwts = 8, seed = 22, opts = list(size = 2, decay = 1e-3, maxit = 200, linout = TRUE, skip = TRUE),
                   fit = function(w, o) nnet(sine[, "x", drop = FALSE], sine$y, size = o$size, linout = TRUE,
                                             skip = TRUE, decay = o$decay, maxit = o$maxit, Wts = w))
)

flag <- function(o, name) as.integer(isTRUE(o[[name]]))
for (name in names(cases)) {
  case <- cases[[name]]
  set.seed(case$seed)
  w0 <- runif(case$nwts, -0.7, 0.7)
  w0 <- as.numeric(num(w0))                      # exactly the doubles the CSV holds
  trace <- capture.output(net <- case$fit(w0, case$opts))
  stopifnot(length(net$wts) == case$nwts)
  o <- case$opts
  write_columns(file.path(here, paste0(name, "_weights.csv")), list(initial = w0, final = net$wts))
  fitted <- as.data.frame(unclass(net$fitted.values))
  names(fitted) <- if (ncol(fitted) == 1) "fitted" else colnames(net$fitted.values)
  write_columns(file.path(here, paste0(name, "_fitted.csv")), fitted)
  write_columns(file.path(here, paste0(name, "_summary.csv")),
                list(size = o$size, decay = o$decay, maxit = o$maxit, linout = flag(o, "linout"),
                     entropy = flag(o, "entropy"), softmax = as.integer(net$softmax), skip = flag(o, "skip"),
                     value = net$value, convergence = net$convergence))
  writeLines(trace, file.path(here, paste0(name, "_trace.txt")))
  cat(sprintf("%-17s %2d weights  value %.10g  convergence %d  (%s)\n", name, length(net$wts), net$value,
              net$convergence, tail(trace, 1)))
}
cat(sprintf("R %s, nnet %s\n", getRversion(), packageVersion("nnet")))
