package org.migcheck.checker.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;

/**
 * SARIF 2.1.0 for code scanning: one result per variant whose verdict is not HOLDS (a broken rule, a
 * deadlock, a stuck thread, a model error, an incomplete run) and per variant that holds although it
 * declares a failure (rule {@code expectation}), with the rule id, the message and
 * {@code scenario/variant} as a logical location. Every result has a physical location, as code
 * scanning requires: the kernel file the rule or scenario cites, relative to the kernel tree
 * ({@code %LINUX%}), or else the Java source that declares the model, relative to its source root
 * ({@code %JAVA_SOURCES%}). Level {@code error} when the verdict differs from the variant's expectation
 * (or nothing is expected), {@code note} when the variant documents the failure, {@code warning} when
 * a budget ended the run. Each variant's notes (as the text report prints them) are tool execution
 * notifications of the invocation, and a result's {@code properties.notes} too. Objects keep one key
 * order, so equal runs give equal files.
 */
public final class SarifRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern KERNEL_FILE = Pattern.compile("\\b((?:mm|fs|include|kernel|block|drivers|lib)/[A-Za-z0-9_./-]+\\.[ch])\\b");
    private static final RuleInfo EXPECTATION = new RuleInfo("expectation",
            "every variant ends in the verdict and reachability answers it declares (a variant declared to fail that now holds no longer"
                    + " shows its failure)", null);
    private static final RuleInfo INCOMPLETE = new RuleInfo("incomplete", "the search exhausts the state space within its budgets", null);

    private SarifRenderer() {}

    /** A JSON object with its keys in the order given (key, value, key, value, ...). */
    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String render(List<ScenarioRunner.Outcome> outcomes) {
        return render(outcomes, List.of());
    }

    /**
     * {@code suite --format sarif}: as {@link #render(List)}, with each knob combination the suite left
     * out (a knob set where the model does not read it) as a note among the invocation's tool
     * execution notifications: not a result, since nothing was checked there.
     */
    public static String renderSuite(List<ScenarioRunner.Outcome> outcomes, org.migcheck.model.scenarios.Scenario scenario,
                                     Map<Map<String, String>, org.migcheck.model.scenarios.Knob> leftOut) {
        List<Map<String, Object>> notes = new ArrayList<>();
        leftOut.forEach((settings, k) -> {
            List<String> set = new ArrayList<>();
            settings.forEach((name, value) -> set.add(name + "=" + value));
            notes.add(obj("level", "note", "message", obj("text", scenario.id() + " " + String.join(",", set) + ": left out, knob "
                    + k.name() + " applies only with " + k.condition()), "properties", obj("scenario", scenario.id(),
                    "knobs", new LinkedHashMap<>(settings), "knob", k.name())));
        });
        return render(outcomes, notes);
    }

    private static String render(List<ScenarioRunner.Outcome> outcomes, List<Map<String, Object>> leftOut) {
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        List<Map<String, Object>> notifications = new ArrayList<>();
        for (ScenarioRunner.Outcome o : outcomes) {
            CheckResult r = o.result();
            // the run's notes (a budget that stopped the search while it finished a counterexample's level, a
            // reduction refused, rules left out) hold for the variant whatever its verdict: a holding variant has
            // no result to carry them, so each is a notification naming its variant
            for (String n : r.notes()) {
                notifications.add(obj("level", "note", "message", obj("text", o.title() + ": " + n),
                        "properties", obj("scenario", o.scenario().id(), "variant", o.variant(), "knobs",
                                o.knobs() == null ? null : new LinkedHashMap<>(o.knobs().asMap()))));
            }
            boolean holds = r.verdict() == Verdict.HOLDS;
            if (holds && (o.expected() == null || o.matches())) {
                continue;
            }
            RuleInfo rule = holds ? EXPECTATION : rule(r);
            rules.putIfAbsent(rule.id(), rule);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("ruleId", rule.id());
            res.put("ruleIndex", new ArrayList<>(rules.keySet()).indexOf(rule.id()));
            // note: a failure the variant documents; a failure nobody declared (no expectation) is an error
            res.put("level", r.verdict() == Verdict.INCOMPLETE ? "warning" : o.expected() != null && o.matches() ? "note" : "error");
            String text = !holds
                    ? o.title() + ": " + r.verdict().name() + " " + r.message() + (rule.statement() == null ? "" : " (rule: " + rule.statement() + ")")
                    : o.expected().kind() != org.migcheck.model.scenarios.Expect.Kind.HOLDS
                    ? o.title() + ": HOLDS, but the variant declares " + o.expected().describe() + ": the failure it documents is no longer found"
                    : o.title() + ": HOLDS as declared, but the reachability answers differ: expected " + o.expected().describe() + ", got "
                            + o.actual();
            res.put("message", obj("text", text));
            // the rule's kernel source, else the source the scenario models
            String where = rule.kernelRef() != null && KERNEL_FILE.matcher(rule.kernelRef()).find() ? rule.kernelRef() : o.scenario().reference();
            res.put("locations", List.of(location(where, o.scenario().sourceFile(), o.title().replace(" / ", "/"))));
            putRelated(res, where);
            res.put("partialFingerprints", fingerprint(rule.id(), o.title(), r.verdict().lower()));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("scenario", o.scenario().id());
            props.put("variant", o.variant());
            props.put("verdict", r.verdict().lower());
            props.put("expected", o.expected() == null ? null : o.expected().describe());
            props.put("replay", TextRenderer.failed(r) ? ScenarioRunner.replayCommand(o.replayArgs()) : null);
            props.put("notes", r.notes());
            res.put("properties", props);
            results.add(res);
        }
        notifications.addAll(leftOut);
        return document(rules, results, notifications);
    }

    /**
     * The mutation analysis of one variant: survivors without a declared reason (rule
     * {@code mutation.survived}) and stale declarations (rule {@code mutation.stale-declaration}) as
     * errors, mutants a budget stopped as warnings.
     */
    public static String renderMutants(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants, List<String> stale) {
        RuleInfo survived = new RuleInfo("mutation.survived", "every mutant of a holding variant (a wait, lock pair or shared test removed, a step moved) is killed by some rule or has a declared reason",
                base.scenario().reference());
        RuleInfo staleRule = new RuleInfo("mutation.stale-declaration", "every survivor a variant declares still survives (a stale declaration would hide a regression)",
                base.scenario().reference());
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        String logical = base.title().replace(" / ", "/");
        List<String> narrowed = ScenarioRunner.ruleChoiceNotes(base.result());
        String because = narrowed.isEmpty() ? "" : " (" + String.join("; ", narrowed) + ")";
        for (Mutations.Mutant m : mutants) {
            if (m.unexplained()) {
                results.add(mutantResult(rules, survived, "error", base.title() + ": mutant " + m.id()
                        + " still holds and the variant declares no reason" + because, base, logical));
            } else if (m.fate() == Mutations.Fate.INCOMPLETE) {
                results.add(mutantResult(rules, INCOMPLETE, "warning", base.title() + ": mutant " + m.id() + " was stopped by a budget ("
                        + m.result().limit() + "): not judged", base, logical));
            }
        }
        for (String st : stale) {
            results.add(mutantResult(rules, staleRule, "error", base.title() + ": declared survivor no longer survives: " + st, base, logical));
        }
        List<Map<String, Object>> notes = new ArrayList<>();
        narrowed.forEach(n -> notes.add(obj("level", "note", "message", obj("text", base.title() + ": " + n))));
        return document(rules, results, notes);
    }

    private static Map<String, Object> mutantResult(Map<String, RuleInfo> rules, RuleInfo rule, String level, String text,
                                                    ScenarioRunner.Outcome base, String logical) {
        rules.putIfAbsent(rule.id(), rule);
        Map<String, Object> res = obj("ruleId", rule.id(), "ruleIndex", new ArrayList<>(rules.keySet()).indexOf(rule.id()), "level", level,
                "message", obj("text", text), "locations", List.of(location(base.scenario().reference(), base.scenario().sourceFile(), logical)));
        putRelated(res, base.scenario().reference());
        res.put("partialFingerprints", fingerprint(rule.id(), logical, text));
        return res;
    }

    /**
     * A fingerprint of what a result is about (rule, scenario and variant, what happened), so that code
     * scanning matches a result across runs without reading the file it points to (a kernel file the
     * repository may not hold). Line numbers play no part: they are not known.
     */
    private static Map<String, Object> fingerprint(String... parts) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\u0000", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return obj("migcheckResult/v1", java.util.HexFormat.of().formatHex(d, 0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String document(Map<String, RuleInfo> rules, List<Map<String, Object>> results, List<Map<String, Object>> notifications) {
        List<Map<String, Object>> ruleList = new ArrayList<>();
        for (RuleInfo ri : rules.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", ri.id());
            d.put("shortDescription", obj("text", ri.statement() == null ? ri.id() : ri.statement()));
            d.put("fullDescription", obj("text", ri.line()));
            d.put("help", obj("text", ri.kernelRef() == null ? "see the scenario's kernel reference in each result's location"
                    : "kernel source: " + ri.kernelRef()));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("kernelRef", ri.kernelRef());
            d.put("properties", props);
            ruleList.add(d);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "migcheck");
        driver.put("version", "0.1.0");
        driver.put("rules", ruleList);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", obj("driver", driver));
        run.put("originalUriBaseIds", obj(
                "LINUX", obj("uri", "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/",
                        "description", obj("text", "the Linux kernel source tree")),
                "JAVA_SOURCES", obj("description", obj("text", "the Java source root of the scenario's classes (src/main/java in a"
                        + " Maven project; model/src/main/java in migcheck's own tree for its bundled scenarios)"))));
        if (!notifications.isEmpty()) {
            run.put("invocations", List.of(obj("executionSuccessful", true, "toolExecutionNotifications", notifications)));
        }
        run.put("results", results);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        root.put("runs", List.of(run));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The broken rule, or a rule named after the verdict (no kernel reference of its own: the result points at the scenario's source). */
    static RuleInfo rule(CheckResult r) {
        if (r.ruleId() != null) {
            return RuleInfo.of(r);
        }
        return switch (r.verdict()) {
            case DEADLOCK -> new RuleInfo("deadlock", "no reachable state where nothing can move and some thread is neither finished nor idle", null);
            case STUCK -> new RuleInfo("stuck", "every waiting thread is eventually woken: no thread waits for what no live thread will provide", null);
            case MODEL_ERROR -> new RuleInfo("model-error", "the model is well-formed (bounds, lock ownership, references)", null);
            default -> INCOMPLETE;
        };
    }

    /** A result's {@code relatedLocations}: the further kernel files {@code kernelRef} cites, when there are any. */
    private static void putRelated(Map<String, Object> result, String kernelRef) {
        List<Map<String, Object>> related = relatedKernelFiles(kernelRef);
        if (!related.isEmpty()) {
            result.put("relatedLocations", related);
        }
    }

    /**
     * The kernel files {@code kernelRef} names after its first (which is the result's location), each once, in
     * order: a rule often cites the file of its locking comment and those of its callers.
     */
    static List<Map<String, Object>> relatedKernelFiles(String kernelRef) {
        Matcher m = KERNEL_FILE.matcher(kernelRef == null ? "" : kernelRef);
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>();
        while (m.find()) {
            String uri = uriPath(m.group(1));
            if (uri != null) {
                files.add(uri);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int id = 1;
        for (String f : files.stream().skip(1).toList()) {
            out.add(obj("id", id++, "physicalLocation", obj("artifactLocation", obj("uri", f, "uriBaseId", "LINUX"),
                    "region", obj("startLine", 1)), "message", obj("text", "also cited by the rule: " + f)));
        }
        return out;
    }

    /** The kernel file {@code kernelRef} names, else {@code sourceFile} under the scenario's source root; and the logical name. */
    private static Map<String, Object> location(String kernelRef, String sourceFile, String logical) {
        Map<String, Object> loc = new LinkedHashMap<>();
        Matcher m = KERNEL_FILE.matcher(kernelRef == null ? "" : kernelRef);
        String kernel = null;
        while (kernel == null && m.find()) {
            kernel = uriPath(m.group(1)); // the first kernel file cited that lies under its base
        }
        String source = uriPath(sourceFile);
        Map<String, Object> artifact = kernel != null ? obj("uri", kernel, "uriBaseId", "LINUX")
                : source != null ? obj("uri", source, "uriBaseId", "JAVA_SOURCES") : null;
        // a file-level result: the line is not known, and code scanning places a result only with region.startLine
        if (artifact != null) {
            loc.put("physicalLocation", obj("artifactLocation", artifact, "region", obj("startLine", 1)));
        }
        loc.put("logicalLocations", List.of(obj("fullyQualifiedName", logical, "kind", "module")));
        return loc;
    }

    /**
     * {@code path} as a URI relative to its base, percent-encoded past letters, digits and {@code - . _ ~} ("My Model.java"
     * as "My%20Model.java"); null when it is no path under its base: absolute, a scheme ("javascript:alert(1)//x.java"),
     * a "." or ".." segment ("mm/../../../evil/x.c"), an empty one, a backslash or a control character. A plugin's
     * sourceFile() or a rule's kernelRef otherwise named a place outside the base, or no file at all, to a review page.
     */
    public static String uriPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.split("/", 2)[0].contains(":")
                || path.codePoints().anyMatch(c -> Character.isISOControl(c) || org.migcheck.model.lang.UserCode.unshowable(c))) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                    out.append((char) c);
                } else {
                    out.append('%').append(String.format(java.util.Locale.ROOT, "%02X", c));
                }
            }
        }
        return out.toString();
    }
}
