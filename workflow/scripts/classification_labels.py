"""Rule classification_labels, step (c) of the Li-environment classification (paper 001 Fig. 4):
DPA clusters named after the reference phases of their core points, the phase of every point,
and the phase fractions of the MD Li environments per frame (modes all / core / split).

Outputs (CSV): cluster table (:func:`seiflow.analysis.phase_classification.label_clusters` with the run
and the clustering summary), point table (:func:`~seiflow.analysis.phase_classification.point_table`)
and long fraction table (:func:`seiflow.analysis.classification_tables.fractions_long`).
"""

import sys

import pandas as pd

from seiflow.analysis.classification_tables import cluster_table, fractions_long
from seiflow.analysis.phase_classification import label_clusters, load_clustering, load_dataset, point_table


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    i, o, p = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    ds = load_dataset(i.dataset)
    cl = load_clustering(i.clusters, len(ds["X"]))
    labels = label_clusters(ds, cl, min_reference_points=p.min_reference_points)
    points = point_table(ds, cl, labels)
    fractions = fractions_long(points)
    table = cluster_table(labels, cl, snakemake.wildcards.run)  # noqa: F821
    table.to_csv(o.clusters, index=False)
    points.to_csv(o.points, index=False)
    fractions.to_csv(o.fractions, index=False)
    pd.set_option("display.width", 200)
    print(table.to_string())
    last = fractions[fractions["frame"] == fractions["frame"].max()]
    print(last[["mode", "phase", "region", "fraction"]].to_string())
