"""Fast, seeded, repeatable 2-D positions for drawing graphs.

Why not ``networkx.spring_layout``: it took 8 s for 1,000 nodes and about 100 s for 5,000 here,
and vis-network's own physics never stabilised a 5,000-node graph in two minutes. This module
uses numpy and scipy only:

* every connected component is placed on its own, then the components are packed in rows,
  largest first, so a component never lands on top of another;
* a small component (up to :data:`STRESS_MAX_NODES` nodes) gets stress majorization over all
  graph distances (the method behind Graphviz's ``neato``): good shapes, O(n^2) per step;
* a larger one starts from Pivot MDS (Brandes & Pich 2006: graph distances to a few dozen pivot
  nodes, then a tiny eigenproblem), which gives the global shape in O(pivots * edges), and is
  then refined by Fruchterman-Reingold forces whose repulsion is split in two: far away through
  an FFT convolution on a grid (O(G^2 log G)), close by from each node's nearest neighbours
  (a k-d tree), so each step costs about O(n log n) however dense the picture is;
* finally crowded components are spread and overlapping nodes pushed apart, so that every node
  is at least :data:`MIN_GAP` edge lengths from the next and can be told apart when zoomed in.

Measured here (2 cores): 0.9 s for 5,000 nodes and 37,000 edges, 5.6 s for 20,000 nodes and
153,000 edges (``benchmarks/bench_viz.py``).

The same graph, node order and seed always give the same positions.

>>> import networkx as nx
>>> pos = layout(nx.path_graph(4), seed=1)
>>> sorted(pos) == [0, 1, 2, 3]
True
>>> pos == layout(nx.path_graph(4), seed=1)
True
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # networkx is only needed by callers that pass a networkx graph
    import networkx as nx

STRESS_MAX_NODES = 700
"""Components up to this size get full stress majorization; larger ones Pivot MDS + forces."""

MIN_GAP = 0.3
"""Nodes end at least about this far apart, in edge lengths (0.3 x 120 px: dots do not overlap)."""

DEFAULT_SCALE = 120.0
"""Ideal edge length in output units (vis-network pixels at zoom 1)."""

_PIVOTS = 50
_NEIGHBOURS = 10
_REFRESH = 3
_MAX_SPREAD = 4.0
_GAP = 2.0  # space between packed components, in edge lengths


def layout(
    graph: nx.Graph, *, seed: int = 0, scale: float = DEFAULT_SCALE
) -> dict[Hashable, tuple[float, float]]:
    """Positions for every node of a networkx graph (any kind; direction and multi-edges ignored).

    ``scale`` is the ideal edge length. Same graph, same node order and same seed give the same
    positions.

    >>> import networkx as nx
    >>> pos = layout(nx.Graph([("a", "b")]), scale=10)
    >>> round(abs(pos["a"][0] - pos["b"][0]) + abs(pos["a"][1] - pos["b"][1]))
    10
    """
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in graph.edges()]
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    xy = layout_arrays(len(nodes), edges[:, 0], edges[:, 1], seed=seed, scale=scale)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, xy)}


def layout_arrays(
    n: int, src: np.ndarray, dst: np.ndarray, *, seed: int = 0, scale: float = DEFAULT_SCALE
) -> np.ndarray:
    """Positions as an ``(n, 2)`` float array for nodes ``0..n-1`` and edges ``src[i] - dst[i]``.

    >>> import numpy as np
    >>> xy = layout_arrays(3, np.array([0, 1]), np.array([1, 2]), seed=0, scale=1.0)
    >>> xy.shape, bool(np.isfinite(xy).all())
    ((3, 2), True)
    """
    from scipy.sparse import csgraph

    xy = np.zeros((n, 2))
    if n == 0:
        return xy
    adjacency = _adjacency(n, np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64))
    count, labels = csgraph.connected_components(adjacency, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    members = [order[bounds[c] : bounds[c + 1]] for c in range(count)]
    rng = np.random.default_rng(seed)
    pieces = [(idx, _place_component(adjacency, idx, rng)) for idx in members]
    for idx, local in _pack(pieces):
        xy[idx] = local
    return xy * scale


def _adjacency(n: int, src: np.ndarray, dst: np.ndarray):
    """Symmetric 0/1 CSR matrix without self loops or repeated edges."""
    from scipy import sparse

    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _place_component(adjacency, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions (edge length 1, centred on 0) for one connected component."""
    size = len(idx)
    if size == 1:
        return np.zeros((1, 2))
    if size == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    sub = adjacency[idx][:, idx]
    if size <= STRESS_MAX_NODES:
        xy = _stress(sub, rng)
    else:
        xy = _forces(sub, _pivot_mds(sub), rng)
    xy = _separate(xy, rng)
    return xy - xy.mean(axis=0)


def _stress(sub, rng: np.random.Generator, iterations: int = 300, tol: float = 1e-4) -> np.ndarray:
    """Stress majorization (SMACOF, weights 1/d^2) over all-pairs graph distances."""
    from scipy.sparse import csgraph

    dist = csgraph.shortest_path(sub, method="D", unweighted=True)
    n = len(dist)
    xy = _classical_mds(dist)
    # Nodes with identical distance profiles (leaves of one hub) coincide in MDS: nudge them
    # apart so the majorization step, which divides by current distances, can separate them.
    xy += rng.normal(scale=0.05, size=xy.shape)
    weights = np.zeros_like(dist)
    off = dist > 0
    weights[off] = dist[off] ** -2.0
    laplacian = -weights
    np.fill_diagonal(laplacian, weights.sum(axis=1))
    # Pseudo-inverse of the weighted Laplacian: rank n-1, fix it by adding the all-ones matrix.
    solve = np.linalg.inv(laplacian + 1.0 / n) - 1.0 / n
    wd = weights * dist
    previous = np.inf
    for step in range(iterations):
        # Pairwise distances via the Gram matrix: no n x n x 2 temporaries.
        sq = (xy**2).sum(axis=1)
        current = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * (xy @ xy.T), 1e-12))
        ratio = wd / current
        np.fill_diagonal(ratio, 0.0)
        b = -ratio
        np.fill_diagonal(b, ratio.sum(axis=1))
        xy = solve @ (b @ xy)
        if step % 10 == 9:  # the stress itself costs as much as a step: check now and then
            np.fill_diagonal(current, 0.0)
            stress = float((weights * (current - dist) ** 2).sum())
            if previous - stress < tol * previous:
                break
            previous = stress
    return xy


def _classical_mds(dist: np.ndarray) -> np.ndarray:
    n = len(dist)
    sq = dist**2
    centred = -0.5 * (sq - sq.mean(axis=0) - sq.mean(axis=1)[:, None] + sq.mean())
    values, vectors = np.linalg.eigh(centred)
    top = np.argsort(values)[::-1][:2]
    xy = vectors[:, top] * np.sqrt(np.maximum(values[top], 1e-12))
    return _fix_signs(xy) if n else xy


def _pivot_mds(sub) -> np.ndarray:
    """Pivot MDS: distances to maxmin-chosen pivots, double-centred, projected on 2 axes."""
    from scipy.sparse import csgraph

    n = sub.shape[0]
    k = min(_PIVOTS, n)
    degree = np.asarray(sub.sum(axis=1)).ravel()
    pivots = [int(np.argmax(degree))]  # first hub: deterministic, and central in the picture
    columns = []
    nearest = np.full(n, np.inf)
    for _ in range(k):
        column = csgraph.shortest_path(sub, method="D", unweighted=True, indices=pivots[-1])
        columns.append(column)
        nearest = np.minimum(nearest, column)
        if len(pivots) < k:
            pivots.append(int(np.argmax(nearest)))
    sq = np.stack(columns, axis=1) ** 2
    centred = -0.5 * (sq - sq.mean(axis=0) - sq.mean(axis=1)[:, None] + sq.mean())
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = np.argsort(values)[::-1][:2]
    return _fix_signs(centred @ vectors[:, top])


def _fix_signs(xy: np.ndarray) -> np.ndarray:
    """Eigenvectors have arbitrary signs: pin them so the output is repeatable."""
    for axis in range(xy.shape[1]):
        column = xy[:, axis]
        if column[np.argmax(np.abs(column))] < 0:
            xy[:, axis] = -column
    return xy


def _forces(sub, xy: np.ndarray, rng: np.random.Generator, iterations: int = 80) -> np.ndarray:
    """Fruchterman-Reingold refinement at edge length 1, without the O(n^2) repulsion.

    Repulsion has two parts: far away, every node pushes through a potential computed on a grid
    by FFT convolution (like Barnes-Hut, it approximates distant nodes as mass per cell); close
    by, each node is pushed by its nearest neighbours found with a k-d tree, which also
    separates nodes that share a grid cell.
    """
    from scipy.sparse import triu
    from scipy.spatial import cKDTree

    n = len(xy)
    # Spread the MDS picture to the area n nodes need at unit spacing, so the forces mostly
    # make local adjustments.
    spread = np.sqrt((xy**2).sum(axis=1).mean())
    xy = xy * (0.5 * np.sqrt(n) / max(spread, 1e-9))
    xy += rng.normal(scale=0.3, size=xy.shape)
    upper = triu(sub, k=1).tocoo()
    src, dst = upper.row, upper.col
    k = min(_NEIGHBOURS, n - 1)
    grid = _FarField(int(np.clip(np.sqrt(n), 32, 128)))
    temperature = max(2.0, 0.1 * np.sqrt(n))
    cooling = (0.05 / temperature) ** (1.0 / iterations)
    for step_number in range(iterations):
        # Neighbours change slowly: refreshing them every few steps saves most of the k-d tree cost.
        if step_number % _REFRESH == 0:
            neighbour = cKDTree(xy).query(xy, k=k + 1, workers=-1)[1][:, 1:]
        delta = xy[:, None, :] - xy[neighbour]
        push = 1.0 / np.maximum((delta**2).sum(axis=2), 1e-6)
        force = (delta * push[:, :, None]).sum(axis=1) + grid.force(xy)
        along = xy[src] - xy[dst]
        pull = along * np.sqrt((along**2).sum(axis=1))[:, None]
        for axis in range(2):
            force[:, axis] -= np.bincount(src, pull[:, axis], minlength=n)
            force[:, axis] += np.bincount(dst, pull[:, axis], minlength=n)
        length = np.sqrt((force**2).sum(axis=1))
        step = np.minimum(length, temperature) / np.maximum(length, 1e-12)
        xy += force * step[:, None]
        temperature *= cooling
    return xy


class _FarField:
    """Repulsion sum_j (p - p_j) / |p - p_j|^2 at every node, from node counts on a G x G grid."""

    def __init__(self, size: int):
        self.size = size
        offsets = np.arange(-(size - 1), size, dtype=float)
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        r2 = dx**2 + dy**2
        r2[size - 1, size - 1] = np.inf  # a node does not push itself
        # Circular convolution of this size equals the linear one on the G x G window we read.
        self.shape = (2 * size, 2 * size)
        self.kernels = [np.fft.rfft2(dx / r2, self.shape), np.fft.rfft2(dy / r2, self.shape)]

    def force(self, xy: np.ndarray) -> np.ndarray:
        size = self.size
        low = xy.min(axis=0)
        cell = max(float((xy.max(axis=0) - low).max()), 1e-9) / (size - 1)
        ij = np.rint((xy - low) / cell).astype(np.int64)
        counts = np.bincount(ij[:, 0] * size + ij[:, 1], minlength=size * size).reshape(size, size)
        spectrum = np.fft.rfft2(counts, self.shape)
        out = np.empty_like(xy)
        for axis, kernel in enumerate(self.kernels):
            field = np.fft.irfft2(spectrum * kernel, self.shape)[size - 1 : 2 * size - 1, size - 1 : 2 * size - 1]
            out[:, axis] = field[ij[:, 0], ij[:, 1]] / cell
        return out


def _separate(xy: np.ndarray, rng: np.random.Generator, rounds: int = 40) -> np.ndarray:
    """Push apart nodes closer than :data:`MIN_GAP`, so zooming in shows every node.

    Hubs pull their many leaves into tight clusters in both methods; this only moves nodes
    that overlap. Uniform scaling first: dots and labels have a fixed size on the canvas, so
    spreading a crowded component (up to :data:`_MAX_SPREAD` times) is the same as drawing
    them smaller, and keeps the shape. Pairs still too close are then pushed apart.
    """
    from scipy.spatial import cKDTree

    n = len(xy)
    gaps = cKDTree(xy).query(xy, k=2)[0][:, 1]
    xy = xy * float(np.clip(MIN_GAP / max(np.percentile(gaps, 10), 1e-9), 1.0, _MAX_SPREAD))
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(MIN_GAP, output_type="ndarray")
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = xy[i] - xy[j]
        dist = np.sqrt((delta**2).sum(axis=1))
        same = dist < 1e-9
        if same.any():  # no direction to push along: pick one at random (seeded)
            delta[same] = rng.normal(size=(int(same.sum()), 2))
            dist[same] = np.sqrt((delta[same] ** 2).sum(axis=1))
        push = delta * ((MIN_GAP - dist) / (2 * dist))[:, None]
        # Many overlaps add up: damp crowded nodes so they do not overshoot and oscillate.
        damping = 1.0 / np.sqrt(np.maximum(np.bincount(i, minlength=n) + np.bincount(j, minlength=n), 1))
        for axis in range(2):
            move = np.bincount(i, push[:, axis], minlength=n) - np.bincount(j, push[:, axis], minlength=n)
            xy[:, axis] += move * damping
    return xy


def _pack(pieces: list[tuple[np.ndarray, np.ndarray]]):
    """Shelf-pack components (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    for idx, local in pieces:
        low, high = local.min(axis=0), local.max(axis=0)
        boxes.append((idx, local - low, high - low + _GAP))
    boxes.sort(key=lambda box: (-len(box[0]), int(box[0][0])))
    area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    width = max(np.sqrt(area) * 1.2, float(boxes[0][2][0]))
    x = y = row_height = 0.0
    for idx, local, size in boxes:
        if x > 0 and x + size[0] > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        yield idx, local + np.array([x, y])
        x += size[0]
        row_height = max(row_height, float(size[1]))
