# Reference numbers from R's mclust for closer's profile fits (crates/analyze/src/series/profiles.rs).
#
# Needs R and mclust (Debian: `apt-get install r-base-core r-cran-mclust`; written against
# R 4.2.2, mclust 6.0.0). CI does not run this: its output is committed. Run from the
# repository root:
#
#     Rscript bench/mclust_reference.R
#
# Input: the per-dyad parameter matrices under crates/analyze/tests/data/mclust/ (rties_clo.csv,
# rties_ic.csv — made by closer itself, see the README there). This script also simulates three
# data sets with a fixed seed (sim_*.csv, written next to them) with known structure where the
# covariance families differ.
#
# Output, per data set and K, in crates/analyze/tests/data/mclust/:
#   <set>_K<k>_bic.csv    family, parameters (nMclustParams), BIC and log-likelihood from
#                         mclust's default initialisation, at mclust's default EM tolerance and
#                         at a tight one (NA where mclust gives NA)
#   <set>_K<k>_start.csv  mclust's starting classification (hc with mclust.options() defaults,
#                         cut at K), so EM can be compared from the very same start
#   <set>_K<k>_fit.csv    per row: Mclust(X, G = K)'s classification (default tolerance) and the
#                         tight-tolerance classification of the same chosen model
#   <set>_K<k>_eii.csv    the same BIC table (tight tolerance) when mclust starts from its
#                         hierarchical clustering with the EII criterion (Ward's) instead of the
#                         default VVV — the start closer reproduces exactly
#   <set>_K<k>_eii_start.csv  that starting classification
#   summary.csv           set, K, chosen model, its BIC and log-likelihood (default tolerance)
suppressPackageStartupMessages(library(mclust))
stopifnot(packageVersion("mclust") >= "5.4")
dir <- "crates/analyze/tests/data/mclust"
tight <- emControl(tol = c(1e-11, 1e-13))

# --- simulated sets (fixed seed) -----------------------------------------------------------
set.seed(20261129)
rot <- function(theta) matrix(c(cos(theta), sin(theta), -sin(theta), cos(theta)), 2, 2)
rmvn <- function(n, mu, S) sweep(matrix(rnorm(n * length(mu)), n) %*% chol(S), 2, mu, "+")
write_sim <- function(name, X) {
  colnames(X) <- paste0("x", seq_len(ncol(X)))
  write.csv(X, file.path(dir, paste0(name, ".csv")), row.names = FALSE)
}
# (1) shared orientation and shape, volume varying by profile (VEE), 3 dimensions.
D3 <- qr.Q(qr(matrix(c(2, 1, 0, -1, 2, 1, 0.5, 0, 1), 3, 3)))
A3 <- diag(c(4, 1, 0.25)); S3 <- D3 %*% A3 %*% t(D3)
sim_vee <- rbind(rmvn(120, c(0, 0, 0), 0.3 * S3), rmvn(100, c(5, 0, 2), 1.0 * S3),
                 rmvn(80, c(0, 6, -2), 2.5 * S3))
write_sim("sim_vee", sim_vee)
# (2) equal volume, axis-aligned, shape varying by profile (EVI), 2 dimensions.
sim_evi <- rbind(rmvn(150, c(0, 0), diag(c(4, 0.25))), rmvn(150, c(0, 5), diag(c(0.25, 4))))
write_sim("sim_evi", sim_evi)
# (3) same volume and shape, orientation varying by profile (EEV), 2 dimensions.
A2 <- diag(c(3, 1 / 3))
sim_eev <- rbind(rmvn(120, c(0, 0), rot(0.3) %*% A2 %*% t(rot(0.3))),
                 rmvn(120, c(6, 0), rot(1.4) %*% A2 %*% t(rot(1.4))),
                 rmvn(120, c(3, 5), rot(2.4) %*% A2 %*% t(rot(2.4))))
write_sim("sim_eev", sim_eev)

# --- reference fits ------------------------------------------------------------------------
sets <- list(
  list(name = "rties_clo", ks = c(2, 3)),
  list(name = "rties_ic", ks = c(2, 3)),
  list(name = "sim_vee", ks = c(3)),
  list(name = "sim_evi", ks = c(2)),
  list(name = "sim_eev", ks = c(3))
)
fams <- mclust.options("emModelNames")
summary <- NULL
for (s in sets) {
  X <- read.csv(file.path(dir, paste0(s$name, ".csv")))
  X <- as.matrix(X[, setdiff(names(X), "dyad")])
  n <- nrow(X); d <- ncol(X)
  for (k in s$ks) {
    b <- mclustBIC(X, G = k, verbose = FALSE)
    bt <- mclustBIC(X, G = k, control = tight, verbose = FALSE)
    ll <- function(bic, p) (bic + p * log(n)) / 2
    p <- sapply(fams, function(f) nMclustParams(f, d, k))
    tab <- data.frame(family = fams, parameters = p,
                      bic = as.numeric(b[1, fams]), log_lik = ll(as.numeric(b[1, fams]), p),
                      bic_tight = as.numeric(bt[1, fams]),
                      log_lik_tight = ll(as.numeric(bt[1, fams]), p))
    stem <- file.path(dir, sprintf("%s_K%d", s$name, k))
    write.csv(tab, paste0(stem, "_bic.csv"), row.names = FALSE, na = "NA")
    he <- hc(X, modelName = "EII", use = mclust.options("hcUse"))
    be <- mclustBIC(X, G = k, control = tight, verbose = FALSE,
                    initialization = list(hcPairs = he))
    write.csv(data.frame(family = fams, bic_tight = as.numeric(be[1, fams])),
              paste0(stem, "_eii.csv"), row.names = FALSE, na = "NA")
    write.csv(data.frame(start = as.vector(hclass(he, k))),
              paste0(stem, "_eii_start.csv"), row.names = FALSE)
    h <- hc(X, modelName = mclust.options("hcModelName"), use = mclust.options("hcUse"))
    start <- as.vector(hclass(h, k))
    write.csv(data.frame(start = start), paste0(stem, "_start.csv"), row.names = FALSE)
    m <- Mclust(X, G = k, x = b, verbose = FALSE)
    mt <- Mclust(X, G = k, modelNames = m$modelName, control = tight, verbose = FALSE)
    write.csv(data.frame(classification = m$classification,
                         classification_tight = mt$classification),
              paste0(stem, "_fit.csv"), row.names = FALSE)
    summary <- rbind(summary, data.frame(set = s$name, k = k, n = n, d = d,
                                         chosen = m$modelName, bic = m$bic,
                                         log_lik = m$loglik, log_lik_tight = mt$loglik))
  }
}
write.csv(summary, file.path(dir, "summary.csv"), row.names = FALSE)
print(summary, digits = 10)
