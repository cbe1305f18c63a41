# rties' own per-dyad results at full precision, for the golden comparison in
# crates/analyze/tests/rties_reference.rs (docs/research.md, "Agreement with rties, dyad by dyad").
#
#   Rscript bench/rties_reference.R RTIES_DATA_DIR OUT_DIR
#
# Needs R with rties 5.0.0 and its imports. On Debian 12:
#   apt-get install r-base-core r-cran-desolve r-cran-dplyr r-cran-ggplot2 r-cran-gridextra \
#     r-cran-lattice r-cran-lme4 r-cran-mass r-cran-mclust r-cran-nlme r-cran-nnet r-cran-plyr \
#     r-cran-zoo r-cran-data.table
# then DataCombine and rties from their CRAN sources (`R CMD INSTALL`). DescTools and
# interactions, which rties imports only for summaries and plots, are not needed for the functions
# called here; without them, drop them from rties' DESCRIPTION Imports before installing.
#
# rties rounds the coefficients it returns to 5 decimals and its fit table to 2. To compare beyond
# those digits, this script runs rties' *own* functions with R's `round` replaced by the identity
# inside them (a copy of each function whose enclosing environment masks `round`); nothing else in
# rties is changed. Output: one CSV per data set and model, every double written with 17
# significant digits (enough to round-trip), NA as empty.

suppressPackageStartupMessages(library(rties))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript bench/rties_reference.R RTIES_DATA_DIR OUT_DIR")
data_dir <- args[1]
out_dir <- args[2]
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

unrounded <- function(f) {
  e <- new.env(parent = environment(f))
  assign("round", function(x, digits = 0) x, envir = e)
  environment(f) <- e
  f
}
indivInertCoord_full <- unrounded(rties::indivInertCoord)
indivClo_full <- unrounded(rties::indivClo)
estDerivs_full <- unrounded(rties::estDerivs)

write_full <- function(df, name) {
  path <- file.path(out_dir, name)
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(x) ifelse(is.na(x), "", sprintf("%.17g", x)))
  utils::write.csv(df, path, row.names = FALSE, quote = FALSE)
  message("wrote ", path, " (", nrow(df), " dyads)")
}

read_rties <- function(file) {
  d <- utils::read.csv(file.path(data_dir, file))
  d[c("couple", "person", "dial", "time", "female")]
}

# Inertia–coordination: the full model's coefficients and adjusted R², and the adjusted R² of the
# inertia-only and coordination-only models (indivInertCoordCompare).
ic_reference <- function(d, lag, name) {
  prep <- rties::dataPrep(basedata = d, dyadId = "couple", personId = "person",
                          obs_name = "dial", dist_name = "female", time_name = "time",
                          time_lag = lag)
  full <- indivInertCoord_full(prep, "inertCoord")$params
  cmp <- rties::indivInertCoordCompare(prep)
  dyads <- unique(factor(prep$dyad))
  # indivInertCoordCompare reports in the order of unique(factor(dyad)), as indivInertCoord fits.
  stopifnot(length(cmp$R2inertCoord) == length(dyads))
  out <- data.frame(
    dyad = full$dyad,
    int0 = full$int0, int1 = full$int1,
    inert0 = full$inert0, coord0 = full$coord0, inert1 = full$inert1, coord1 = full$coord1,
    adj_r2 = cmp$R2inertCoord[match(full$dyad, as.numeric(as.character(dyads)))],
    adj_r2_inertia = cmp$R2inert[match(full$dyad, as.numeric(as.character(dyads)))],
    adj_r2_coordination = cmp$R2coord[match(full$dyad, as.numeric(as.character(dyads)))]
  )
  write_full(out, name)
}

# Coupled oscillator: estDerivs' chosen (tau, embed), unrounded R² and periods; indivClo's
# coupled coefficients and adjusted R²; indivCloCompare's uncoupled adjusted R².
clo_reference <- function(d, taus, embeds, name) {
  prep <- rties::dataPrep(basedata = d, dyadId = "couple", personId = "person",
                          obs_name = "dial", dist_name = "female", time_name = "time")
  der <- estDerivs_full(prep, taus = taus, embeds = embeds, delta = 1, idConvention = 500)
  clo <- indivClo_full(der$data, "coupled")
  cmp <- rties::indivCloCompare(der$data)
  ft <- der$fitTable
  p <- clo$params
  stopifnot(identical(as.numeric(p$dyad), as.numeric(ft$dyad)))
  out <- data.frame(
    dyad = p$dyad, tau = ft$tau, embed = ft$embed,
    obs_0 = p$obs_0, d1_0 = p$d1_0, p_obs_0 = p$p_obs_0, p_d1_0 = p$p_d1_0,
    obs_1 = p$obs_1, d1_1 = p$d1_1, p_obs_1 = p$p_obs_1, p_d1_1 = p$p_d1_1,
    period_0 = ft$Period0, period_1 = ft$Period1,
    adj_r2 = clo$R2, fit_table_r2 = ft$Rsqr, uncoupled_adj_r2 = cmp$R2uncouple
  )
  write_full(out, name)
}

full <- read_rties("rties_ExampleDataFull.csv")
short <- read_rties("rties_ExampleDataShort.csv")

ic_reference(full, "absMaxCC", "ic_full_absmaxcc.csv")
ic_reference(full, 2, "ic_full_lag2.csv")
ic_reference(short, 1, "ic_short_lag1.csv")
# rties' pairing quirk: when the person whose id equals the dyad id does not sort first, rties pairs
# each person with themselves. Here every man's id becomes couple id − 1000 (sorting first).
quirk <- short
quirk$person[quirk$female == 0] <- quirk$couple[quirk$female == 0] - 1000
ic_reference(quirk, 2, "ic_short_quirk_lag2.csv")
clo_reference(full, c(4, 5), c(3, 4, 5), "clo_full_t45_e345.csv")
clo_reference(short, c(2, 3), c(3, 4), "clo_short_t23_e34.csv")
