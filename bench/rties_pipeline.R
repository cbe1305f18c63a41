# rties' own 80-dyad pipeline, timed in R, for bench/series_bench.sh's side-by-side comparison:
# read the CSV, dataPrep, estDerivs over tau {4,5} x embed {3,4,5}, indivClo (coupled).
#
#   Rscript bench/rties_pipeline.R DATA.csv RUNS
#
# Prints one line per run: "rties elapsed_s cpu_s" (cpu = user + system of the R process).
# Needs R with rties 5.0.0 (see bench/rties_reference.R for how to install it on Debian).
suppressPackageStartupMessages(library(rties))
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]
runs <- as.integer(args[2])
for (r in seq_len(runs)) {
  t <- system.time({
    d <- utils::read.csv(file)
    prep <- suppressMessages(suppressWarnings(rties::dataPrep(
      basedata = d, dyadId = "couple", personId = "person", obs_name = "dial",
      dist_name = "female", time_name = "time")))
    der <- rties::estDerivs(prep, taus = c(4, 5), embeds = c(3, 4, 5), delta = 1,
                            idConvention = 500)
    clo <- rties::indivClo(der$data, "coupled")
  })
  cat(sprintf("rties %.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
}
