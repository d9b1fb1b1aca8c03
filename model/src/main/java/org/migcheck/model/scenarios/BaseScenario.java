package org.migcheck.model.scenarios;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.migcheck.model.lang.Model;

/** A scenario assembled from parts; subclasses or {@link #builder} supply them. */
public final class BaseScenario implements Scenario {
    private final String id;
    private final String title;
    private final String reference;
    private final List<Knob> knobs;
    private final List<Variant> variants;
    private final Function<Knobs, Model> build;
    private final Function<Knobs, Expect> expect;

    private BaseScenario(Builder b) {
        this.id = b.id;
        this.title = b.title;
        this.reference = b.reference;
        this.knobs = List.copyOf(b.knobs);
        this.variants = List.copyOf(b.variants);
        this.build = b.build;
        this.expect = b.expect;
    }

    public static Builder builder(String id) { return new Builder(id); }

    @Override public String id() { return id; }
    @Override public String title() { return title; }
    @Override public String reference() { return reference; }
    @Override public List<Knob> knobs() { return knobs; }
    @Override public List<Variant> variants() { return variants; }
    @Override public Model build(Knobs k) { return build.apply(k); }
    /** The class whose method or lambda builds the model (the scenario's own source, not this class). */
    @Override public String sourceFile() { return Scenario.sourceFileOf(build == null ? getClass() : build.getClass()); }

    /** A named variant's declared expectation wins; the knob function covers other combinations. */
    @Override
    public Expect expect(Knobs k) {
        Expect declared = Scenario.super.expect(k);
        if (declared != null || expect == null) {
            return declared;
        }
        return expect.apply(k);
    }

    /** The knob function's expectation for {@code k}, or null when the scenario has none. */
    public Expect derivedExpect(Knobs k) {
        return expect == null ? null : expect.apply(k);
    }

    /** Builder of {@link BaseScenario}. */
    public static final class Builder {
        private final String id;
        private String title = "";
        private String reference = "";
        private final List<Knob> knobs = new ArrayList<>();
        private final List<Variant> variants = new ArrayList<>();
        private Function<Knobs, Model> build;
        private Function<Knobs, Expect> expect;

        private Builder(String id) { this.id = id; }

        public Builder title(String t) { this.title = t; return this; }
        public Builder reference(String r) { this.reference = r; return this; }
        public Builder knob(Knob k) { knobs.add(k); return this; }

        public Builder variant(String name, Map<String, String> settings, Expect e, String doc) {
            variants.add(new Variant(name, settings, e, doc));
            return this;
        }

        public Builder model(Function<Knobs, Model> b) { this.build = b; return this; }

        /** Expectation as a function of the knobs, for knob combinations no variant names. */
        public Builder expect(Function<Knobs, Expect> e) { this.expect = e; return this; }

        public BaseScenario build() {
            if (build == null) {
                throw new IllegalStateException("scenario " + id + " has no model");
            }
            if (variants.isEmpty()) {
                throw new IllegalStateException("scenario " + id + " has no variants");
            }
            // what the command line's loader refuses in a plugin, refused here too (the Java API's checks of a scenario
            // do not pass the loader): a replay token and --variant name the scenario and its variants
            if (!Scenario.token(id, ":")) {
                throw new IllegalStateException("scenario id '" + id + "': an id is non-empty, without spaces, control characters or ':'");
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Variant v : variants) {
                if (!Scenario.token(v.name(), ":,")) {
                    throw new IllegalStateException("scenario " + id + " has a variant named '" + v.name() + "'; a variant name is"
                            + " non-empty, without spaces, control characters, ':' or ','");
                }
                if (!names.add(v.name())) {
                    throw new IllegalStateException("scenario " + id + " has two variants named " + v.name());
                }
            }
            java.util.Set<String> knobNames = new java.util.HashSet<>();
            for (Knob k : knobs) {
                if (!knobNames.add(k.name())) {
                    throw new IllegalStateException("scenario " + id + " has two knobs named " + k.name());
                }
            }
            try {
                Knob.checkConditions(id, knobs);
            } catch (org.migcheck.model.lang.ModelError e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return new BaseScenario(this);
        }
    }
}
