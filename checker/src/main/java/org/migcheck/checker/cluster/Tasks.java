package org.migcheck.checker.cluster;

import java.io.IOException;
import java.util.concurrent.Callable;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

/**
 * The messages from the coordinator to a member, run by the member's executor on the
 * {@link MemberService} of its process. Each carries the run key so several coordinators may use one
 * member in turn.
 */
final class Tasks {
    private Tasks() {}

    /** Base: the run key, written first. */
    abstract static class Task<T> implements Callable<T>, DataSerializable {
        String run;

        final MemberService service() {
            MemberService s = MemberService.current();
            if (s == null) {
                throw new IllegalStateException("this process is not a migcheck member");
            }
            return s;
        }

        @Override public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(run);
            write(out);
        }

        @Override public void readData(ObjectDataInput in) throws IOException {
            run = in.readString();
            read(in);
        }

        abstract void write(ObjectDataOutput out) throws IOException;

        abstract void read(ObjectDataInput in) throws IOException;
    }

    /** Join check: same code, known scenario; answers null or the refusal. */
    static final class Hello extends Task<String> {
        String codeHash;
        String scenario;
        String member;
        /** The prefix of the coordinator's run names, and the id of its connection to this member: whose runs are whose. */
        String runPrefix;
        String client;

        public Hello() { }

        Hello(String codeHash, String scenario, String member, String runPrefix, String client) {
            this.run = "hello";
            this.codeHash = codeHash;
            this.scenario = scenario;
            this.member = member;
            this.runPrefix = runPrefix;
            this.client = client;
        }

        @Override public String call() { return service().hello(codeHash, scenario, member, runPrefix, client); }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeString(codeHash);
            out.writeString(scenario);
            out.writeString(member);
            out.writeString(runPrefix);
            out.writeString(client);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            codeHash = in.readString();
            scenario = in.readString();
            member = in.readString();
            try {
                runPrefix = in.readString();
                client = in.readString();
            } catch (IOException e) {
                // a coordinator of an older build sends three strings: the code-hash comparison refuses it by name
                runPrefix = null;
                client = null;
            }
        }
    }

    /** One search starts: the member creates its partitions. */
    static final class Begin extends Task<Boolean> {
        int words;
        boolean[] owned;
        boolean probe;

        public Begin() { }

        Begin(String run, int words, boolean[] owned, boolean probe) {
            this.run = run;
            this.words = words;
            this.owned = owned;
            this.probe = probe;
        }

        @Override public Boolean call() {
            service().begin(run, words, owned, probe);
            return Boolean.TRUE;
        }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeInt(words);
            out.writeBooleanArray(owned);
            out.writeBoolean(probe);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            words = in.readInt();
            owned = in.readBooleanArray();
            probe = in.readBoolean();
        }
    }

    /** The own round for some partitions: counts[i] candidates of partitions[i], concatenated. */
    static final class Own extends Task<int[]> {
        int[] partitions;
        int[] counts;
        long[] fps;
        long[] vec;

        public Own() { }

        Own(String run, int[] partitions, int[] counts, long[] fps, long[] vec) {
            this.run = run;
            this.partitions = partitions;
            this.counts = counts;
            this.fps = fps;
            this.vec = vec;
        }

        @Override public int[] call() { return service().own(run, partitions, counts, fps, vec); }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeIntArray(partitions);
            out.writeIntArray(counts);
            out.writeLongArray(fps);
            out.writeLongArray(vec);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            partitions = in.readIntArray();
            counts = in.readIntArray();
            fps = in.readLongArray();
            vec = in.readLongArray();
        }
    }

    /** The resolve round for some partitions: counts[i] new states of partitions[i], concatenated. */
    static final class Resolve extends Task<Boolean> {
        int[] partitions;
        int[] counts;
        int[] ids;
        int[] parents;

        public Resolve() { }

        Resolve(String run, int[] partitions, int[] counts, int[] ids, int[] parents) {
            this.run = run;
            this.partitions = partitions;
            this.counts = counts;
            this.ids = ids;
            this.parents = parents;
        }

        @Override public Boolean call() {
            service().resolve(run, partitions, counts, ids, parents);
            return Boolean.TRUE;
        }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeIntArray(partitions);
            out.writeIntArray(counts);
            out.writeIntArray(ids);
            out.writeIntArray(parents);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            partitions = in.readIntArray();
            counts = in.readIntArray();
            ids = in.readIntArray();
            parents = in.readIntArray();
        }
    }

    /** contains: 1 when the member stores the state (the id field is unused, -1). */
    static final class Query extends Task<Integer> {
        long fp;
        long[] vec;
        int id;

        public Query() { }

        Query(String run, long fp, long[] vec, int id) {
            this.run = run;
            this.fp = fp;
            this.vec = vec;
            this.id = id;
        }

        @Override public Integer call() { return service().query(run, fp, vec, id); }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeLong(fp);
            out.writeLongArray(vec);
            out.writeInt(id);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            fp = in.readLong();
            vec = in.readLongArray();
            id = in.readInt();
        }
    }

    /** State id as the member stores it: {parent, words...}, or an empty array when it stores no such state. */
    static final class ById extends Task<long[]> {
        int id;

        public ById() { }

        ById(String run, int id) {
            this.run = run;
            this.id = id;
        }

        @Override public long[] call() { return service().byId(run, id); }
        @Override void write(ObjectDataOutput out) throws IOException { out.writeInt(id); }
        @Override void read(ObjectDataInput in) throws IOException { id = in.readInt(); }
    }

    /** A suite's check (from &lt; 0) or a swarm's walks [from, to): the member builds the model itself. */
    static final class Job extends Task<byte[]> {
        String scenario;
        String variant;
        String[] keys;
        String[] values;
        byte[] options;
        int from;
        int to;

        public Job() { }

        Job(String run, String scenario, String variant, java.util.Map<String, String> settings, byte[] options, int from, int to) {
            this.run = run;
            this.scenario = scenario;
            this.variant = variant;
            this.keys = settings.keySet().toArray(new String[0]);
            this.values = settings.values().toArray(new String[0]);
            this.options = options;
            this.from = from;
            this.to = to;
        }

        @Override public byte[] call() {
            java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
            for (int i = 0; i < keys.length; i++) {
                settings.put(keys[i], values[i]);
            }
            return service().job(run, scenario, variant, settings, options, from, to);
        }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeString(scenario);
            out.writeString(variant);
            out.writeStringArray(keys);
            out.writeStringArray(values);
            out.writeByteArray(options);
            out.writeInt(from);
            out.writeInt(to);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            scenario = in.readString();
            variant = in.readString();
            keys = in.readStringArray();
            values = in.readStringArray();
            options = in.readByteArray();
            from = in.readInt();
            to = in.readInt();
        }
    }

    /** The member's figures of its last search: {partition bytes, peak heap bytes}. */
    static final class Usage extends Task<long[]> {
        public Usage() { }

        Usage(String run) { this.run = run; }

        @Override public long[] call() { return service().usage(); }
        @Override void write(ObjectDataOutput out) { }
        @Override void read(ObjectDataInput in) { }
    }

    /** A search ends (reason null) or the coordinator gives up the whole run (reason given). */
    static final class End extends Task<Boolean> {
        String reason;
        boolean last;
        boolean probe;

        public End() { }

        End(String run, String reason, boolean last, boolean probe) {
            this.run = run;
            this.reason = reason;
            this.last = last;
            this.probe = probe;
        }

        @Override public Boolean call() {
            service().end(run, reason, last, probe);
            return Boolean.TRUE;
        }
        @Override void write(ObjectDataOutput out) throws IOException {
            out.writeString(reason);
            out.writeBoolean(last);
            out.writeBoolean(probe);
        }
        @Override void read(ObjectDataInput in) throws IOException {
            reason = in.readString();
            last = in.readBoolean();
            probe = in.readBoolean();
        }
    }
}
