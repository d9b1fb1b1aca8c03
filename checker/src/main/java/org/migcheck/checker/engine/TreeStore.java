package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * The visited set with tree compression ({@code --compress}), after Laarman, van de Pol and Weber,
 * "Parallel recursive state compression for free" (SPIN 2011): a state's packed vector is stored
 * as a binary tree whose inner nodes are interned pairs, so states that agree on part of their
 * vector share the nodes of that part.
 *
 * <p><b>Tree.</b> The leaves are the 32-bit halves of the packed words ({@link PackedStore#pack});
 * a high half no slot reaches is left out. The leaves are split in two halves recursively; an
 * inner node covering two or more leaves is the pair (left child, right child), where a child is a
 * leaf's value or, if it covers several leaves, the index of its node. Every distinct pair gets
 * one index in a node table (8 bytes per node, found through an open-addressing index of ints):
 * equal sub-vectors have equal indices, so two vectors are equal exactly when their roots' pairs
 * are. The root pair itself is not interned: it is stored per state (8 bytes) next to the parent
 * link (4 bytes), so a state costs 12 bytes plus its entry in the partition table plus the inner
 * nodes it does not share. A successor that changes k leaves of n adds at most k log2(n) nodes, and
 * usually far fewer, since the lower nodes of a changed path have been seen before.
 *
 * <p><b>Why tree, not collapse.</b> SPIN's collapse compression interns per-process components;
 * the engine sees only a vector of slots, not which slots belong to which thread, while the tree
 * needs no such knowledge and its sharing adapts to whichever parts of the vector change together.
 *
 * <p><b>Fitting the waves.</b> The partition tables and pending entries are those of {@link
 * PackedStore}, unchanged: candidates of a wave are still packed words with their fingerprint,
 * found by fingerprint tag and then compared exactly, here by walking the stored state's tree
 * against the candidate's leaves (stopping at the first leaf that differs). The node table is only
 * written in the merge, which is sequential, when a new state gets its id: the state's tree is built
 * from its parent's (kept from the previous new state, since the merge meets the children of one
 * parent in a row), re-interning only the nodes above the leaves that changed. The expand and own
 * phases only read nodes, so no lock or compare-and-swap is needed, and ids, counts and
 * counterexamples are those of the packed store for every worker count.
 *
 * <p><b>Soundness.</b> The node table compares whole pairs, never hashes alone, so interning is
 * injective; the set is exact like the packed store. It is not spread over processes (a search
 * with remote partitions refuses it).
 *
 * <p><b>Cost.</b> Reading a state (to expand it, or to compare a candidate with it) walks its tree:
 * about one memory access per leaf instead of one per vector. It pays off on wide vectors, whose
 * states share most of their nodes; on a vector of two or three words the 12 bytes per state plus
 * the unshared nodes can exceed the packed vector itself.
 */
final class TreeStore extends PackedStore {
    private static final int PAGE_BITS = 12;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int NODE_PAGE_BITS = 14;
    private static final int NODE_PAGE = 1 << NODE_PAGE_BITS;

    /** Leaf j is the half of word leafWord[j] at bit leafShift[j] (0 or 32). */
    private final int[] leafWord;
    private final int[] leafShift;
    /** Inner positions in pre-order (0 is the root): child codes, a position (>= 0) or ~leaf (&lt; 0). */
    private final int[] left;
    private final int[] right;
    /** The position above each position (-1 for the root) and above each leaf. */
    private final int[] up;
    private final int[] leafUp;

    private long[][] roots = new long[16][];
    private int[][] parents = new int[16][];
    private int size;

    private long[][] nodes = new long[16][];
    private int nodeCount;
    /** Node index + 1 per slot, 0 for empty; probed linearly from a mix of the pair. */
    private int[] index = new int[1 << 10];

    // merge-time scratch (the merge is sequential): the tree of the last parent seen, and the new state's
    private int cachedParent = -1;
    private final int[] parentRefs;
    private final int[] parentLeaves;
    private final int[] refs;
    private final int[] leaves;
    private final boolean[] dirty;

    TreeStore(int[] slotMin, int[] slotMax, Fingerprint fingerprint) {
        super(slotMin, slotMax, fingerprint);
        int words = words();
        long[] max = new long[words];
        pack(slotMax, max, 0);
        int[] lw = new int[2 * words];
        int[] ls = new int[2 * words];
        int m = 0;
        for (int w = 0; w < words; w++) {
            lw[m] = w;
            ls[m++] = 0;
            // the highest bit of each slot's field is set in the packed maxima, so a zero high half stays zero
            if ((max[w] >>> 32) != 0 || words == 1) {
                lw[m] = w;
                ls[m++] = 32;
            }
        }
        leafWord = Arrays.copyOf(lw, m);
        leafShift = Arrays.copyOf(ls, m);
        left = new int[m - 1];
        right = new int[m - 1];
        up = new int[m - 1];
        leafUp = new int[m];
        int[] next = {0};
        build(0, m, -1, next);
        parentRefs = new int[m - 1];
        parentLeaves = new int[m];
        refs = new int[m - 1];
        leaves = new int[m];
        dirty = new boolean[m - 1];
    }

    /** Lays out leaves [lo, hi) below position {@code above}; returns the child code. */
    private int build(int lo, int hi, int above, int[] next) {
        if (hi - lo == 1) {
            leafUp[lo] = above;
            return ~lo;
        }
        int p = next[0]++;
        up[p] = above;
        int mid = lo + (hi - lo + 1) / 2;
        left[p] = build(lo, mid, p, next);
        right[p] = build(mid, hi, p, next);
        return p;
    }

    @Override String mode() { return "tree"; }

    /** Leaves per state (the packed words' used halves). */
    int leaves() { return leafWord.length; }

    /** Inner nodes interned so far (the root pairs, stored per state, not counted). */
    int nodes() { return nodeCount; }

    @Override int size() { return size; }

    @Override long bytes() {
        return super.bytes() + pageBytes(); // the packed store's own pages stay empty: its tables only
    }

    /** Root pairs, parent links, inner nodes and the node index (allocated capacity). */
    @Override long pageBytes() {
        long b = (long) index.length * 4;
        for (long[] page : roots) {
            b += page == null ? 0 : (long) page.length * 8;
        }
        for (int[] page : parents) {
            b += page == null ? 0 : (long) page.length * 4;
        }
        for (long[] page : nodes) {
            b += page == null ? 0 : (long) page.length * 8;
        }
        return b;
    }

    /** Bytes a state takes in a page: its root pair and parent link (inner nodes are shared). */
    @Override int bytesPerState() { return 12; }

    @Override void dropBefore(int id) {
        throw new IllegalStateException("the tree-compressed visited set is not spread over processes");
    }

    @Override boolean retains(int id) { return id < size; }

    @Override int parent(int id) { return parents[id >>> PAGE_BITS][id & (PAGE - 1)]; }

    private long root(int id) { return roots[id >>> PAGE_BITS][id & (PAGE - 1)]; }

    private long node(int i) { return nodes[i >>> NODE_PAGE_BITS][i & (NODE_PAGE - 1)]; }

    private int leaf(long[] buf, int off, int j) { return (int) (buf[off + leafWord[j]] >>> leafShift[j]); }

    /** Per thread: the words of the state it read last (the expand phase reads a state's slots, then its words). */
    private static final class Last {
        int id = -1;
        long[] words;
    }

    private final ThreadLocal<Last> last = ThreadLocal.withInitial(Last::new);

    @Override void get(int id, int[] out) {
        Last l = last.get();
        if (l.words == null) {
            l.words = new long[words()];
        }
        decode(id, l.words, 0);
        l.id = id;
        unpack(l.words, 0, out);
    }

    @Override void words(int id, long[] out, int off) {
        Last l = last.get();
        if (l.id == id && id < size) {
            System.arraycopy(l.words, 0, out, off, words()); // stored states never change
        } else {
            decode(id, out, off);
        }
    }

    private void decode(int id, long[] out, int off) {
        Arrays.fill(out, off, off + words(), 0L);
        fill(root(id), 0, out, off);
    }

    private void fill(long pair, int p, long[] out, int off) {
        put(left[p], (int) (pair >>> 32), out, off);
        put(right[p], (int) pair, out, off);
    }

    private void put(int code, int v, long[] out, int off) {
        if (code < 0) {
            int j = ~code;
            out[off + leafWord[j]] |= (v & 0xFFFFFFFFL) << leafShift[j];
        } else {
            fill(node(v), code, out, off);
        }
    }

    /** As {@link PackedStore#touch}: the table entry and, on a tag match, the stored state's root pair. */
    @Override long touch(long fp) {
        long e = entry(fp);
        int v = (int) e;
        return (int) (e >>> 32) == (int) (fp >>> 32) && v > 0 ? root(v - 1) : e;
    }

    @Override boolean sameAs(int id, long[] buf, int off) {
        return same(root(id), 0, buf, off);
    }

    private boolean same(long pair, int p, long[] buf, int off) {
        return sameChild(left[p], (int) (pair >>> 32), buf, off) && sameChild(right[p], (int) pair, buf, off);
    }

    private boolean sameChild(int code, int v, long[] buf, int off) {
        return code < 0 ? v == leaf(buf, off, ~code) : same(node(v), code, buf, off);
    }

    /** Vectors go into shared trees one after another: no ids given out in advance. */
    @Override boolean placesAnywhere() { return false; }

    @Override int extend(int count) { throw new UnsupportedOperationException("the tree-compressed store appends one state at a time"); }

    @Override void put(int id, long[] buf, int off, int parentId) { throw new UnsupportedOperationException("the tree-compressed store appends one state at a time"); }

    @Override int append(long[] buf, int off, int parentId) {
        int id = size;
        if (id == Integer.MAX_VALUE - 1) {
            throw new StoreFull("more than 2^31 states");
        }
        long pair = intern(buf, off, parentId);
        int pg = id >>> PAGE_BITS;
        if (pg == roots.length) {
            roots = Arrays.copyOf(roots, pg * 2);
            parents = Arrays.copyOf(parents, pg * 2);
        }
        if (roots[pg] == null) {
            roots[pg] = new long[PAGE];
            parents[pg] = new int[PAGE];
        }
        roots[pg][id & (PAGE - 1)] = pair;
        parents[pg][id & (PAGE - 1)] = parentId;
        size = id + 1;
        return id;
    }

    /**
     * The root pair of the vector at {@code buf[off ..)}, interning the inner nodes it needs: those
     * above the leaves where it differs from state {@code parentId} (all of them for the initial state).
     */
    private long intern(long[] buf, int off, int parentId) {
        int m = leaves.length;
        if (parentId >= 0 && parentId != cachedParent) {
            expand(root(parentId), parentRefs, parentLeaves);
            cachedParent = parentId;
        }
        System.arraycopy(parentRefs, 0, refs, 0, m - 1);
        for (int j = 0; j < m; j++) {
            int v = leaf(buf, off, j);
            leaves[j] = v;
            if (parentId < 0 || v != parentLeaves[j]) {
                for (int p = leafUp[j]; p >= 0 && !dirty[p]; p = up[p]) {
                    dirty[p] = true;
                }
            }
        }
        long rootPair = parentId < 0 ? 0 : root(parentId);
        for (int p = m - 2; p >= 0; p--) {
            if (!dirty[p]) {
                continue;
            }
            dirty[p] = false;
            long pair = ((long) child(left[p]) << 32) | (child(right[p]) & 0xFFFFFFFFL);
            if (p == 0) {
                rootPair = pair;
            } else {
                refs[p] = intern(pair);
            }
        }
        return rootPair;
    }

    private int child(int code) { return code < 0 ? leaves[~code] : refs[code]; }

    /** The inner node indices and leaves of the tree with root pair {@code pair}. */
    private void expand(long pair, int[] nodeRefs, int[] leafValues) {
        for (int p = 0; p < nodeRefs.length; p++) {
            long e = p == 0 ? pair : node(nodeRefs[p]);
            set(left[p], (int) (e >>> 32), nodeRefs, leafValues);
            set(right[p], (int) e, nodeRefs, leafValues);
        }
    }

    private static void set(int code, int v, int[] nodeRefs, int[] leafValues) {
        if (code < 0) {
            leafValues[~code] = v;
        } else {
            nodeRefs[code] = v;
        }
    }

    private static int mix(long pair) {
        long h = pair * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /** The index of node {@code pair}, interned now if new. Merge phase only. */
    private int intern(long pair) {
        int m = index.length - 1;
        for (int slot = mix(pair) & m; ; slot = (slot + 1) & m) {
            int e = index[slot];
            if (e == 0) {
                int i = nodeCount;
                if (i == Integer.MAX_VALUE - 1) {
                    throw new StoreFull("more than 2^31 tree nodes");
                }
                int pg = i >>> NODE_PAGE_BITS;
                if (pg == nodes.length) {
                    nodes = Arrays.copyOf(nodes, pg * 2);
                }
                if (nodes[pg] == null) {
                    nodes[pg] = new long[NODE_PAGE];
                }
                nodes[pg][i & (NODE_PAGE - 1)] = pair;
                nodeCount = i + 1;
                index[slot] = i + 1;
                if ((long) nodeCount * 4 > (long) index.length * 3) {
                    grow();
                }
                return i;
            }
            if (node(e - 1) == pair) {
                return e - 1;
            }
        }
    }

    private void grow() {
        if (index.length >= 1 << 30) {
            throw new StoreFull("tree node index full");
        }
        int[] ni = new int[index.length * 2];
        int m = ni.length - 1;
        for (int i = 0; i < nodeCount; i++) {
            int slot = mix(node(i)) & m;
            while (ni[slot] != 0) {
                slot = (slot + 1) & m;
            }
            ni[slot] = i + 1;
        }
        index = ni;
    }
}
