package org.migcheck.checker.run;

import java.util.Arrays;
import org.migcheck.checker.engine.PartitionOwner;
import org.migcheck.checker.engine.Transport;

/**
 * A transport whose remote partitions live in other {@link PartitionOwner}s of this JVM: every
 * message is a copy of the arrays a real transport would send, so the search sees exactly what it
 * would see across processes. Partition p belongs to process {@code p % processes}; process 0 is
 * the searching one.
 */
final class LoopbackTransport implements Transport.Factory {
    final int processes;
    int opened;

    LoopbackTransport(int processes) { this.processes = processes; }

    @Override public String describe() { return processes + " in-JVM owners"; }

    @Override public Transport open(int words) {
        opened++;
        PartitionOwner[] owners = new PartitionOwner[processes];
        for (int m = 1; m < processes; m++) {
            boolean[] mine = new boolean[PartitionOwner.partitions()];
            for (int p = 0; p < mine.length; p++) {
                mine[p] = p % processes == m;
            }
            owners[m] = new PartitionOwner(words, mine);
        }
        return new Transport() {
            @Override public boolean local(int p) { return p % processes == 0; }

            @Override public void own(Batch[] batches) {
                for (Batch b : batches) {
                    if (b != null && b.n > 0) {
                        int[] result = new int[b.n];
                        owners[b.partition % processes].own(b.partition, b.n, b.fps.clone(),
                                Arrays.copyOf(b.words, b.n * words), 0, result);
                        System.arraycopy(result, 0, b.result, 0, b.n);
                    }
                }
            }

            @Override public void resolve(Batch[] batches) {
                for (Batch b : batches) {
                    if (b != null && b.fresh > 0) {
                        owners[b.partition % processes].resolve(b.partition, b.fresh, b.ids.clone(), b.parents.clone(), 0);
                    }
                }
            }

            @Override public boolean contains(long fp, long[] w) {
                return owners[PartitionOwner.partitionOf(fp) % processes].contains(fp, w.clone());
            }

            @Override public long[] byId(int id) {
                for (int m = 1; m < processes; m++) {
                    long[] rec = owners[m].byId(id);
                    if (rec != null) {
                        return rec.clone();
                    }
                }
                return null;
            }

            @Override public void close() { }
        };
    }
}
