package org.migcheck.model.scenarios;

import java.util.List;
import org.migcheck.model.lang.Model;

/**
 * One kernel question as a family of models: knobs, named variants with expectations, and a builder
 * from knob values to a {@link Model}.
 */
public interface Scenario {
    /** Short id used on the command line, e.g. {@code fuse-writeback-memcg}. */
    String id();

    /** One line: what the scenario asks. */
    String title();

    /** Where the kernel facts are: the scenario's page under docs/scenarios/ and kernel files. */
    String reference();

    List<Knob> knobs();

    List<Variant> variants();

    /** Builds the model for resolved knob values. */
    Model build(Knobs knobs);

    /**
     * The source file that declares the model, relative to its Java source root (for example
     * {@code org/example/userfs/UserfsScenarios.java}): where code-scanning reports point when a finding
     * has no kernel file. By default the top-level class of this object's class.
     */
    default String sourceFile() { return sourceFileOf(getClass()); }

    /** {@code org/pkg/Outer.java} for a class, a nested class or a lambda of {@code Outer}. */
    static String sourceFileOf(Class<?> c) {
        String name = c.getName();
        int cut = name.indexOf('$');
        if (cut > 0) {
            name = name.substring(0, cut);
        }
        return name.replace('.', '/') + ".java";
    }

    /**
     * The expectation for arbitrary knob values: that of the variant whose settings these knobs
     * match, or null when no variant matches (then a check reports its verdict without comparing).
     */
    default Expect expect(Knobs knobs) {
        for (Variant v : variants()) {
            if (Knobs.resolve(id(), knobs(), v.settings()).asMap().equals(knobs.asMap())) {
                return v.expect();
            }
        }
        return null;
    }

    /**
     * Whether {@code s} can be a scenario id or variant name in a replay token and on the command line: non-null,
     * non-empty, without whitespace, control or invisible format characters, or any of {@code banned}.
     */
    static boolean token(String s, String banned) {
        return s != null && !s.isEmpty() && s.codePoints().allMatch(c -> tokenChar(c, banned));
    }

    /**
     * Whether code point {@code c} can stand in a token: no whitespace, control or invisible format character, no lone
     * surrogate or noncharacter (a report cannot write them: UTF-8 gives '?', XML refuses them), none of {@code banned}.
     */
    static boolean tokenChar(int c, String banned) {
        return !Character.isWhitespace(c) && !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
                && !org.migcheck.model.lang.UserCode.unshowable(c)
                && banned.indexOf(c) < 0;
    }

    /** The variant named {@code name}, or null. */
    default Variant variant(String name) {
        return variants().stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }
}
