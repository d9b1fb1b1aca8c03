package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.KnobSuite;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;

/**
 * A knob declared {@code onlyWith} another knob's values is one the model does not read elsewhere:
 * setting it there is an error, and the suite leaves such combinations out. That declaration is a
 * claim about the scenario's code, checked here: wherever a knob does not apply, every other value of
 * it builds a model with the same verdict, states, transitions and depth as its default.
 */
class KnobApplicabilityTest {

    @TestFactory
    Stream<DynamicTest> aKnobThatDoesNotApplyChangesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        int conditional = 0;
        for (Scenario s : Catalogue.all()) {
            for (Knob k : s.knobs()) {
                if (k.conditions().isEmpty()) {
                    continue;
                }
                conditional++;
                // each condition failing on its own: its knob at a value outside the condition, the others at their defaults
                for (Knob.Condition cond : k.conditions()) {
                    Knob other = s.knobs().stream().filter(x -> x.name().equals(cond.knob())).findFirst().orElseThrow();
                    for (String elsewhere : other.values()) {
                        if (cond.values().contains(elsewhere)) {
                            continue;
                        }
                        for (String v : k.values()) {
                            if (v.equals(k.defaultValue())) {
                                continue;
                            }
                            String name = s.id() + " " + other.name() + "=" + elsewhere + " " + k.name() + "=" + v;
                            tests.add(DynamicTest.dynamicTest(name, () -> {
                                CheckResult base = check(s, Map.of(other.name(), elsewhere));
                                CheckResult set = check(s, Map.of(other.name(), elsewhere, k.name(), v));
                                assertSameSearch(base, set, name);
                                assertEquals(base.model().threadCount(), set.model().threadCount(), name);
                                // and the command line refuses it, naming the condition that fails
                                ModelError refused = assertThrows(ModelError.class, () -> Knobs.resolve(s.id(), s.knobs(),
                                        Map.of(other.name(), elsewhere, k.name(), v)));
                                assertTrue(refused.getMessage().contains(", not with " + other.name() + "=" + elsewhere + " "),
                                        refused.getMessage());
                            }));
                        }
                    }
                }
            }
        }
        // truncate-writeback's writer knobs and source-locked-alloc's workload knobs at least
        assertTrue(conditional >= 14, "knobs declared onlyWith: " + conditional);
        return tests.stream();
    }

    /**
     * The same claim from every named variant rather than from the defaults: the variants are the
     * knob combinations someone found worth checking, so a knob that matters only away from the
     * defaults (as bdev-jbd2's BH_Migrate knobs did with getblk=false) is tried there too. For each
     * variant and each knob that does not apply under its settings, each other value of the knob gives
     * the variant's verdict, states, transitions and depth.
     */
    @TestFactory
    Stream<DynamicTest> aKnobThatDoesNotApplyUnderAVariantChangesNothingThere() {
        List<DynamicTest> tests = new ArrayList<>();
        Map<String, CheckResult> bases = new java.util.HashMap<>(); // each variant's own check, once
        for (Scenario s : Catalogue.all()) {
            for (org.migcheck.model.scenarios.Variant variant : s.variants()) {
                Map<String, String> read = Knobs.resolveAll(s.id(), s.knobs(), variant.settings()).asMap();
                for (Knob k : s.knobs()) {
                    if (k.appliesTo(read) || variant.settings().containsKey(k.name())) {
                        continue;
                    }
                    for (String v : k.values()) {
                        if (v.equals(read.get(k.name()))) {
                            continue;
                        }
                        String name = s.id() + "/" + variant.name() + " " + k.name() + "=" + v;
                        tests.add(DynamicTest.dynamicTest(name, () -> {
                            CheckResult base = bases.computeIfAbsent(s.id() + "/" + variant.name(), x -> check(s, variant.settings()));
                            Map<String, String> settings = new LinkedHashMap<>(variant.settings());
                            settings.put(k.name(), v);
                            assertSameSearch(base, check(s, settings), name);
                        }));
                    }
                }
            }
        }
        // truncate-writeback's ttm-backup variants leave the flusher's knobs unread, and more
        assertTrue(tests.size() >= 20, "cases: " + tests.size());
        return tests.stream();
    }

    /**
     * The first test sets one knob away from its default at a time; bdev-jbd2's atomic lookup runs its
     * slow path (where BH_Migrate is tested) only without the sleeping update (getblk=false), so the
     * two BH_Migrate knobs are tried there too, outside norefs, where nothing sets the bit.
     */
    @Test
    void theBhMigrateKnobsChangeNothingOutsideNorefsAlsoWhereTheLookupTestsTheBit() {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals("bdev-jbd2")).findFirst().orElseThrow();
        for (String aop : List.of("buffer_migrate_folio", "fallback_migrate_folio")) {
            Map<String, String> base = Map.of("migrateFolio", aop, "getblk", "false");
            CheckResult b = check(s, base);
            for (Map<String, String> off : List.of(Map.of("bhMigrate", "false"), Map.of("lookupChecksBhMigrate", "false"),
                    Map.of("bhMigrate", "false", "lookupChecksBhMigrate", "false"))) {
                Map<String, String> settings = new LinkedHashMap<>(base);
                settings.putAll(off);
                assertSameSearch(b, check(s, settings), aop + " " + off);
            }
        }
    }

    /** The same verdict, distinct states, transitions and depth. */
    private static void assertSameSearch(CheckResult base, CheckResult set, String name) {
        assertEquals(base.verdict(), set.verdict(), name);
        assertEquals(base.stats().distinct(), set.stats().distinct(), name);
        assertEquals(base.stats().generated(), set.stats().generated(), name);
        assertEquals(base.stats().maxDepth(), set.stats().maxDepth(), name);
    }

    private static CheckResult check(Scenario s, Map<String, String> settings) {
        return Checker.check(s.build(Knobs.resolveAll(s.id(), s.knobs(), settings)), KernelRules.all(), Options.defaults());
    }

    @Test
    void theSuiteLeavesOutCombinationsWithAKnobThatDoesNotApply() {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals("truncate-writeback")).findFirst().orElseThrow();
        List<Map<String, String>> run = KnobSuite.combinations(s, List.of("writer", "folios"), Map.of());
        // by hand: flusher x folios 1..4, and ttm-backup with folios at its default only
        assertEquals(5, run.size());
        Map<Map<String, String>, Knob> out = KnobSuite.plan(s, List.of("writer", "folios"), Map.of()).leftOut();
        assertEquals(3, out.size());
        for (Map.Entry<Map<String, String>, Knob> e : out.entrySet()) {
            assertEquals("ttm-backup", e.getKey().get("writer"));
            assertFalse(e.getKey().get("folios").equals("1"));
            assertEquals("folios", e.getValue().name());
        }
        // a fixed knob that does not apply is the caller's error, named
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put("writer", "ttm-backup");
        fixed.put("syncMode", "ALL");
        ModelError e = assertThrows(ModelError.class, () -> KnobSuite.combinations(s, List.of("folios"), fixed));
        assertEquals("knob syncMode of scenario truncate-writeback applies only with writer=flusher, not with writer=ttm-backup"
                + " (set writer=flusher, or leave syncMode at its default NONE)", e.getMessage());
        // unless the knob it depends on varies: then the combinations where it does not apply are left out
        List<Map<String, String>> ttm = KnobSuite.combinations(s, List.of("writer"), Map.of("activateIgnored", "true"));
        assertEquals(1, ttm.size());
        assertEquals("ttm-backup", ttm.get(0).get("writer"));
        assertEquals(1, KnobSuite.plan(s, List.of("writer"), Map.of("activateIgnored", "true")).leftOut().size());
        // and when none is left, that is the caller's error too
        ModelError none = assertThrows(ModelError.class, () -> KnobSuite.combinations(s, List.of("writer"),
                Map.of("activateIgnored", "true", "folios", "3")));
        assertTrue(none.getMessage().startsWith("every combination sets knob "), none.getMessage());
    }

    @Test
    void aFixedKnobWhoseConditionFailsOnAFixedKnobIsNamedEvenWhenAnotherOfItsConditionsVaries() {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals("bdev-jbd2")).findFirst().orElseThrow();
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put("bhMigrate", "false");
        fixed.put("lookupChecksBhMigrate", "false");
        // migrateFolio varies, but bhMigrate=false fails lookupChecksBhMigrate's condition in every combination
        ModelError e = assertThrows(ModelError.class, () -> KnobSuite.combinations(s, List.of("migrateFolio"), fixed));
        assertTrue(e.getMessage().startsWith("knob lookupChecksBhMigrate of scenario bdev-jbd2 applies only with "), e.getMessage());
        assertTrue(e.getMessage().contains(", not with bhMigrate=false "), e.getMessage());
        // while bhMigrate alone, whose one condition is on the varied knob, is planned: norefs runs, the others are left out
        KnobSuite.Plan plan = KnobSuite.plan(s, List.of("migrateFolio"), Map.of("bhMigrate", "false"));
        assertEquals(1, plan.combinations().size());
        assertEquals("buffer_migrate_folio_norefs", plan.combinations().get(0).get("migrateFolio"));
        assertEquals(2, plan.leftOut().size());
    }

    @Test
    void aReplayTokenWithAKnobThatDoesNotApplyStandsForItsDefault() {
        // recorded before cgroupWriteback was declared onlyWith memcg=v2: the same model as with its default
        ScenarioRunner.Token t = ScenarioRunner.parse("fuse-writeback-memcg:-:memcg=v1,cgroupWriteback=false,mappingFlag=false:-");
        assertEquals("true", t.knobs().get("cgroupWriteback"));
        assertEquals("v1", t.knobs().get("memcg"));
        assertEquals("false", t.knobs().get("mappingFlag"));
    }
}
