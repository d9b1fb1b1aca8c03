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
 * SARIF 2.1.0 for code scanning: one result per variant that does not hold (a broken rule, a
 * deadlock, a stuck thread, a model error, an incomplete run), with the rule id, the message, the
 * kernel source the rule or scenario cites as a physical location relative to the kernel tree
 * ({@code %LINUX%}), and {@code scenario/variant} as a logical location. Level {@code error} when
 * the verdict differs from the variant's expectation, {@code note} when the variant documents it.
 */
public final class SarifRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern KERNEL_FILE = Pattern.compile("\\b((?:mm|fs|include|kernel|block|drivers|lib)/[A-Za-z0-9_./-]+\\.[ch])\\b");

    private SarifRenderer() {}

    public static String render(List<ScenarioRunner.Outcome> outcomes) {
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (ScenarioRunner.Outcome o : outcomes) {
            CheckResult r = o.result();
            if (r.verdict() == Verdict.HOLDS) {
                continue;
            }
            RuleInfo rule = rule(r);
            rules.putIfAbsent(rule.id(), rule);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("ruleId", rule.id());
            res.put("ruleIndex", new ArrayList<>(rules.keySet()).indexOf(rule.id()));
            // note: a failure the variant documents; a failure nobody declared (no expectation) is an error
            res.put("level", r.verdict() == Verdict.INCOMPLETE ? "warning" : o.expected() != null && o.matches() ? "note" : "error");
            res.put("message", Map.of("text", o.title() + ": " + r.verdict().name() + " " + r.message()
                    + (rule.statement() == null ? "" : " (rule: " + rule.statement() + ")")));
            // the rule's kernel source, else the source the scenario models
            String where = rule.kernelRef() != null && KERNEL_FILE.matcher(rule.kernelRef()).find() ? rule.kernelRef() : o.scenario().reference();
            res.put("locations", List.of(location(where, o.title().replace(" / ", "/"))));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("scenario", o.scenario().id());
            props.put("variant", o.variant());
            props.put("verdict", r.verdict().lower());
            props.put("expected", o.expected() == null ? null : o.expected().describe());
            props.put("replay", TextRenderer.failed(r) ? "./migcheck replay " + o.token() : null);
            res.put("properties", props);
            results.add(res);
        }
        return document(rules, results);
    }

    /** Surviving mutants as results of rule {@code mutation.survived}. */
    public static String renderMutants(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants) {
        RuleInfo rule = new RuleInfo("mutation.survived", "every mutant of a holding variant (a wait, lock pair or shared test removed, a step moved) is killed by some rule or has a declared reason",
                base.scenario().reference());
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        rules.put(rule.id(), rule);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Mutations.Mutant m : mutants) {
            if (!m.unexplained()) {
                continue;
            }
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("ruleId", rule.id());
            res.put("ruleIndex", 0);
            res.put("level", "warning");
            res.put("message", Map.of("text", base.title() + ": mutant " + m.id() + " still holds and the variant declares no reason"));
            res.put("locations", List.of(location(base.scenario().reference(), base.title().replace(" / ", "/"))));
            results.add(res);
        }
        return document(rules, results);
    }

    private static String document(Map<String, RuleInfo> rules, List<Map<String, Object>> results) {
        List<Map<String, Object>> ruleList = new ArrayList<>();
        for (RuleInfo ri : rules.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", ri.id());
            d.put("shortDescription", Map.of("text", ri.statement() == null ? ri.id() : ri.statement()));
            d.put("fullDescription", Map.of("text", ri.line()));
            d.put("help", Map.of("text", ri.kernelRef() == null ? "see the scenario's kernel reference in each result's location"
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
        run.put("tool", Map.of("driver", driver));
        run.put("originalUriBaseIds", Map.of("LINUX", Map.of("uri", "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/",
                "description", Map.of("text", "the Linux kernel source tree"))));
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
            return RuleInfo.of(r.ruleId());
        }
        return switch (r.verdict()) {
            case DEADLOCK -> new RuleInfo("deadlock", "no reachable state where nothing can move and some thread is neither finished nor idle", null);
            case STUCK -> new RuleInfo("stuck", "every waiting thread is eventually woken: no thread waits for what no live thread will provide", null);
            case MODEL_ERROR -> new RuleInfo("model-error", "the model is well-formed (bounds, lock ownership, references)", null);
            default -> new RuleInfo("incomplete", "the search exhausts the state space within its budgets", null);
        };
    }

    private static Map<String, Object> location(String kernelRef, String logical) {
        Map<String, Object> loc = new LinkedHashMap<>();
        Matcher m = KERNEL_FILE.matcher(kernelRef == null ? "" : kernelRef);
        if (m.find()) {
            loc.put("physicalLocation", Map.of("artifactLocation", Map.of("uri", m.group(1), "uriBaseId", "LINUX")));
        }
        loc.put("logicalLocations", List.of(Map.of("fullyQualifiedName", logical, "kind", "module")));
        return loc;
    }
}
