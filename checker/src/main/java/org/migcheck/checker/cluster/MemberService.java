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
    /** Per coordinator (the prefix of its run names): the id of its connection, from its Hello. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    /** Coordinators (run-name prefixes) served a search or job: one that then leaves without its last End gave its run up. */
    private final java.util.Set<String> served = ConcurrentHashMap.newKeySet();
    /** Coordinators whose last End arrived (read by the disconnect listener). */
    private final java.util.Set<String> ended = ConcurrentHashMap.newKeySet();

    /** The coordinator's part of a run name ("PREFIX" or "PREFIX-n"; the prefix is a UUID, 36 characters). */
    static String prefixOf(String run) {
        return run.length() > 36 && run.charAt(36) == '-' ? run.substring(0, 36) : run;
    }
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
            @Override public void clientConnected(Client client) { }

            @Override public void clientDisconnected(Client client) {
                s.left(client.getUuid().toString(), String.valueOf(client.getSocketAddress()));
                if (s.hz.getClientService().getConnectedClients().isEmpty()) {
                    if (!s.runs.isEmpty() || s.jobsInFlight.get() > 0) {
                        // (a coordinator that finishes cleanly waits for every answer: one that leaves mid-job gave its run up,
                        // even when its End message, queued behind the job, did not arrive first)
                        s.log.println("migcheck member: coordinator " + client.getSocketAddress() + " left; "
                                + s.runs.size() + " search(es) and " + s.jobsInFlight.get() + " job(s) dropped");
                        s.runs.clear();
                        s.aborted = "coordinator left";
                    }
                    if (s.once) {
                        s.done.countDown();
                    }
                }
            }
        });
        return s;
    }

    /**
     * Coordinator connection {@code client} is gone: its searches are dropped now, while other coordinators go on (they
     * were kept until the last one left), and one that had been served but sent no last End gave its run up (its End
     * may have timed out behind a job, or it vanished).
     */
    private void left(String client, String address) {
        for (Map.Entry<String, String> e : owners.entrySet()) {
            if (!e.getValue().equals(client)) {
                continue;
            }
            String prefix = e.getKey();
            owners.remove(prefix);
            int dropped = 0;
            for (String run : runs.keySet()) {
                if (prefixOf(run).equals(prefix) && runs.remove(run) != null) {
                    dropped++;
                }
            }
            boolean gaveUp = served.remove(prefix) && !ended.remove(prefix);
            ended.remove(prefix);
            if (dropped > 0) {
                // (a coordinator that finishes cleanly waits for every answer: one that leaves mid-search gave its run up)
                log.println("migcheck member: coordinator " + address + " left; " + dropped + " search(es) dropped");
                aborted = "coordinator left";
            } else if (gaveUp && aborted == null) {
                log.println("migcheck member: coordinator " + address + " left without ending the run");
                aborted = "coordinator left without ending the run";
            }
        }
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

    String hello(String theirCode, String scenario, String who, String runPrefix, String client) {
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
        if (runPrefix != null && client != null) {
            owners.put(runPrefix, client);
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
        served.add(prefixOf(run));
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

    /** A suite's check (walks &lt; 0) or a swarm's walks [from, to): see {@link Jobs}. */
    byte[] job(String run, String scenario, String variant, Map<String, String> settings, byte[] options, int from, int to) {
        if (!knowsScenario.test(scenario)) {
            throw new IllegalStateException("member has no scenario " + scenario);
        }
        served.add(prefixOf(run));
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
            ended.add(prefixOf(run));
        }
        // --once: done when the last coordinator ends; with another one still connected (its search going on), the
        // member stays until that one leaves too (the disconnect listener counts down then)
        if (last && once && hz != null && hz.getClientService().getConnectedClients().size() <= 1) {
            done.countDown();
        }
    }
}
