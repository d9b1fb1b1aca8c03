package org.migcheck.model.lang;

/**
 * Where the checker calls code of a model or of a rule (steps, guards, invariants, goals, a rule's
 * metadata), whatever that code throws is its failure, named as the model's error: an unchecked
 * exception, an {@link Error} of its own, or a checked exception thrown past the compiler. Only the
 * JVM's own failures end the check as such: running out of heap (a budget: INCOMPLETE) and the
 * virtual machine's internal errors. A stack overflow is the code's (its recursion), so it stays the
 * model's error.
 */
public final class UserCode {
    private UserCode() {}

    /**
     * Throws {@code t} again when it is the JVM's failure rather than the user code's, or the checker's own
     * {@link Passing} signal; returns otherwise.
     */
    public static void rethrowJvmFailure(Throwable t) {
        if (t instanceof VirtualMachineError v && !(t instanceof StackOverflowError)) {
            throw v;
        }
        if (t instanceof Passing p) {
            throw p;
        }
    }

    /**
     * {@code text} (a message, name or statement of a model's or rule's code) as one report line that a
     * terminal, a browser and an XML parser show as written: each run of control characters (C0, DEL,
     * C1, the line and paragraph separators) with the spaces around it becomes one space, so no escape
     * sequence reaches a terminal and no line of a report can be forged; an invisible character that
     * changes how the text reads (a bidirectional override, a zero-width space: {@link #shownAsQuestionMark}),
     * a lone surrogate and a noncharacter (U+FFFE, U+FFFF, which XML cannot carry) become '?'.
     */
    public static String oneLine(String text) {
        if (text == null || text.codePoints().allMatch(c -> plain(c))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean gap = false; // inside a run of controls: spaces around it fold into one
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (lineBreaking(c)) {
                while (out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
                    out.setLength(out.length() - 1);
                }
                gap = true;
                continue;
            }
            if (gap) {
                if (c == ' ') {
                    continue;
                }
                out.append(' ');
                gap = false;
            }
            if (plain(c)) {
                out.appendCodePoint(c);
            } else {
                out.append('?');
            }
        }
        if (gap) {
            out.append(' ');
        }
        return out.toString();
    }

    /**
     * {@code s} with its control and invisible characters written out ({@code \r}, {@code \t}, a backslash-u escape
     * for the others: a byte-order mark, zero-width and bidirectional marks, line separators, lone surrogates,
     * unassigned code points), for an error message that names a name it refuses.
     */
    public static String visible(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED) {
                b.append(c > 0xFFFF ? String.format(java.util.Locale.ROOT, "\\U%08x", c)
                        : String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** A code point a report prints as it is. */
    private static boolean plain(int c) {
        return !lineBreaking(c) && !shownAsQuestionMark(c);
    }

    private static boolean lineBreaking(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029;
    }

    /**
     * What a one-line report shows as '?': a lone surrogate or a noncharacter ({@link #unshowable}), and the invisible
     * characters that change how the text around them reads (a bidirectional override or isolate, a direction mark, a
     * zero-width space, a word joiner, a byte-order mark, a language tag), as in "Trojan source" text. Other format
     * characters stay: a zero-width joiner inside an emoji, a zero-width non-joiner in Persian, a soft hyphen.
     */
    public static boolean shownAsQuestionMark(int c) {
        return unshowable(c) || c == 0x061C || c == 0x200B || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || c == 0xE0001;
    }

    /**
     * A code point no report can write: a lone surrogate (UTF-8 writes '?') or a noncharacter (U+FFFE, U+FFFF, which an
     * XML parser refuses). Names and ids refuse these, and every format character too.
     */
    public static boolean unshowable(int c) {
        return Character.getType(c) == Character.SURROGATE || (c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF);
    }

    /**
     * A signal of the checker's that passes through the user's code on purpose (the footprint tables stop a
     * run that reads a slot not fixed yet): never the code's failure. For the checker's own use: a model or
     * rule that throws one ends the check as an internal error.
     */
    public abstract static class Passing extends Error {
        private static final long serialVersionUID = 1L;

        protected Passing() { super(null, null, false, false); }
    }
}
