package org.migcheck.checker.cluster;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.migcheck.checker.engine.PartitionOwner;

/**
 * A member process: a Hazelcast member bound to one address, in a cluster of its own named by the
 * run's secret, that owns visited-set partitions for coordinators that connect to it. Multicast,
 * auto-detection and TCP joining are off (members never look for each other: the coordinator's
 * explicit list is the only membership), phone-home is off, logging is off (this class prints
 * what matters).
 */
public final class MemberService {
    private static volatile MemberService current;

    static MemberService current() { return current; }

    private final String codeHash;
    private final Predicate<String> knowsScenario;
    private final Jobs jobs;
    private final PrintStream log;
    private final boolean once;
    private final Map<String, PartitionOwner> runs = new ConcurrentHashMap<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String aborted;
    /** Suite checks and swarm walks running now: a coordinator that leaves while one runs gave its run up. */
    private final java.util.concurrent.atomic.AtomicInteger jobsInFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** Some search or job was served: a coordinator that then leaves without its last End gave the run up. */
    private volatile boolean served;
    /** The coordinator's last End arrived (set before --once's count-down, read by the disconnect listener). */
    private volatile boolean endedByCoordinator;
    private HazelcastInstance hz;

    private MemberService(String codeHash, Predicate<String> knowsScenario, Jobs jobs, PrintStream log, boolean once) {
        this.codeHash = codeHash;
        this.knowsScenario = knowsScenario;
        this.jobs = jobs;
        this.log = log;
        this.once = once;
    }

    /** Hazelcast settings common to members and coordinators: no phone-home, no logging of its own. */
    static void quiet(java.util.function.BiConsumer<String, String> set) {
        // Hazelcast reads its logger choice from the system property before any config is seen
        System.setProperty("hazelcast.logging.type", "none");
        set.accept("hazelcast.phone.home.enabled", "false");
        set.accept("hazelcast.logging.type", "none");
    }

    /**
     * Starts a member bound to {@code host:port} in cluster {@code cluster}. Throws
     * IllegalArgumentException with one line when the address cannot be bound.
     */
    public static MemberService start(String host, int port, String cluster, String codeHash, Predicate<String> knowsScenario,
                                      Jobs jobs, PrintStream log, boolean once) {
        String ip;
        try {
            ip = InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown host " + host);
        }
        Config config = new Config();
        config.setClusterName(cluster);
        config.setInstanceName("migcheck-member-" + port);
        quiet(config::setProperty);
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.shutdownhook.policy", "TERMINATE");
        // a coordinator that stops sending heartbeats is dropped (its runs are freed) after this long
        config.setProperty("hazelcast.client.max.no.heartbeat.seconds", "10");
        config.getMetricsConfig().setEnabled(false);
        config.getJetConfig().setEnabled(false);
        config.getExecutorConfig("migcheck").setPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()));
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false).setPortCount(1);
        net.getInterfaces().setEnabled(true).addInterface(ip);
        net.setPublicAddress(ip + ":" + port);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        MemberService s = new MemberService(codeHash, knowsScenario, jobs, log, once);
        current = s;
        try {
            s.hz = Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            current = null;
            throw new IllegalArgumentException("--bind: cannot listen on " + ip + ":" + port + ": " + rootMessage(e));
        }
        s.hz.getClientService().addClientListener(new ClientListener() {
            @Override public void clientConnected(Client client) {
                // flags of the coordinator now connecting (the disconnect check runs once the last client has left)
                s.served = false;
                s.endedByCoordinator = false;
            }

            @Override public void clientDisconnected(Client client) {
                if (s.hz.getClientService().getConnectedClients().isEmpty()) {
                    if (!s.runs.isEmpty() || s.jobsInFlight.get() > 0) {
                        // (a coordinator that finishes cleanly waits for every answer: one that leaves mid-job gave its run up,
                        // even when its End message, queued behind the job, did not arrive first)
                        s.log.println("migcheck member: coordinator " + client.getSocketAddress() + " left; "
                                + s.runs.size() + " search(es) and " + s.jobsInFlight.get() + " job(s) dropped");
                        s.runs.clear();
                        s.aborted = "coordinator left";
                    } else if (s.served && !s.endedByCoordinator && s.aborted == null) {
                        // between two jobs of a suite or swarm: nothing in flight, but a coordinator that finishes cleanly
                        // ends with an End to every member, so one that leaves without it gave the run up (its End may have
                        // timed out behind a job, or it vanished)
                        s.log.println("migcheck member: coordinator " + client.getSocketAddress() + " left without ending the run");
                        s.aborted = "coordinator left without ending the run";
                    }
                    if (s.once) {
                        s.done.countDown();
                    }
                }
            }
        });
        return s;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Blocks until the member is done (--once: its coordinator left) or the process is stopped; returns the exit code. */
    public int await() throws InterruptedException {
        done.await();
        String why = aborted;
        hz.shutdown();
        current = null;
        return why == null ? 0 : 4;
    }

    /** Stops the member (tests). */
    public void stop() {
        done.countDown();
        if (hz != null) {
            hz.shutdown();
        }
        current = null;
    }

    String hello(String theirCode, String scenario, String who) {
        if (!codeHash.equals(theirCode)) {
            String msg = "member runs migcheck code " + codeHash.substring(0, 12) + ", the coordinator runs " + theirCode.substring(0, 12)
                    + ": a different migcheck version or model classpath (start both from the same build and --classpath)";
            log.println("migcheck member: refused " + who + ": " + msg);
            return msg;
        }
        if (!scenario.isEmpty() && !knowsScenario.test(scenario)) {
            String msg = "member has no scenario " + scenario + " (start it with the same --classpath)";
            log.println("migcheck member: refused " + who + ": " + msg);
            return msg;
        }
        log.println("migcheck member: serving " + who + (scenario.isEmpty() ? "" : " for " + scenario));
        return null;
    }

    private volatile long lastBytes;
    private volatile long lastPeak;

    private volatile long heapAtBegin;

    void begin(String run, int words, boolean[] owned, boolean probe) {
        if (probe) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            heapAtBegin = rt.totalMemory() - rt.freeMemory();
        }
        if (runs.isEmpty()) {
            for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == java.lang.management.MemoryType.HEAP) {
                    p.resetPeakUsage();
                }
            }
        }
        served = true;
        runs.put(run, new PartitionOwner(words, owned));
    }

    private volatile long lastHeapAfterGc = -1;

    long[] usage() { return new long[] {lastBytes, lastPeak, lastHeapAfterGc}; }

    private PartitionOwner run(String run) {
        PartitionOwner o = runs.get(run);
        if (o == null) {
            throw new IllegalStateException("no search " + run + " on this member");
        }
        return o;
    }

    int[] own(String run, int[] partitions, int[] counts, long[] fps, long[] vec) {
        PartitionOwner o = run(run);
        if (vec.length != fps.length * o.words()) {
            throw new IllegalStateException("own round of " + fps.length + " candidates with " + vec.length + " words");
        }
        int[] out = new int[fps.length];
        int at = 0;
        for (int i = 0; i < partitions.length; i++) {
            o.own(partitions[i], counts[i], fps, vec, at, out);
            at += counts[i];
        }
        return out;
    }

    void resolve(String run, int[] partitions, int[] counts, int[] ids, int[] parents) {
        PartitionOwner o = run(run);
        int at = 0;
        for (int i = 0; i < partitions.length; i++) {
            o.resolve(partitions[i], counts[i], ids, parents, at);
            at += counts[i];
        }
    }

    int query(String run, long fp, long[] vec, int id) {
        PartitionOwner o = run(run);
        return o.contains(fp, vec) ? 1 : 0;
    }

    /** A suite's check (walks < 0) or a swarm's walks [from, to): see {@link Jobs}. */
    byte[] job(String scenario, String variant, Map<String, String> settings, byte[] options, int from, int to) {
        if (!knowsScenario.test(scenario)) {
            throw new IllegalStateException("member has no scenario " + scenario);
        }
        served = true;
        jobsInFlight.incrementAndGet();
        try {
            return from < 0 ? jobs.check(scenario, variant, settings, options) : jobs.walks(scenario, variant, settings, options, from, to);
        } finally {
            jobsInFlight.decrementAndGet();
        }
    }

    long[] byId(String run, int id) {
        long[] rec = run(run).byId(id);
        return rec == null ? new long[0] : rec;
    }

    void end(String run, String reason, boolean last, boolean probe) {
        if (probe && runs.containsKey(run)) {
            Runtime rt = Runtime.getRuntime();
            System.gc(); // the search's partitions are still held
            lastHeapAfterGc = rt.totalMemory() - rt.freeMemory() - heapAtBegin;
        }
        PartitionOwner o = runs.remove(run);
        if (o != null) {
            lastBytes = o.bytes();
            long peak = 0;
            for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            lastPeak = peak;
        }
        if (reason != null) {
            aborted = reason;
            log.println("migcheck member: the coordinator ended the run: " + reason);
        }
        if (last) {
            endedByCoordinator = true;
        }
        if (last && once) {
            done.countDown();
        }
    }
}
