package org.migcheck.checker.run;

import java.util.List;
import org.migcheck.checker.engine.Failure;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.checker.engine.Words;

/** What the model adapter reports to the engine as a failure. */
public sealed interface Problem extends Failure {

    Verdict verdict();

    /** A rule was broken by a step or in a state. */
    record RuleBroken(String kind, String ruleId, String message, int thread) implements Problem {
        @Override public Verdict verdict() { return Verdict.VIOLATED; }
        @Override public String summary() { return kind + " " + ruleId + ": " + message; }
    }

    /**
     * The model is wrong; {@code element} is the element at fault, {@code thread} and {@code alternative}
     * the transition that was running ({@code thread} -1 when none).
     */
    record ModelFault(String element, String message, int thread, int alternative) implements Problem {
        @Override public Verdict verdict() { return Verdict.MODEL_ERROR; }
        @Override public String summary() { return "model error at " + element + ": " + message; }
        /** The determinism check's failure: its path is no evidence (the model answers differently each time). */
        @Override public boolean reproducible() { return !org.migcheck.checker.engine.Search.NOT_DETERMINISTIC.equals(element); }
    }

    /** No thread can move and some thread is neither finished nor idle. */
    record Deadlock(List<Blocked> blocked) implements Problem {
        @Override public Verdict verdict() { return Verdict.DEADLOCK; }
        @Override public String summary() { return "deadlock: " + Words.count(blocked.size(), "thread") + " blocked"; }
    }

    /** A thread blocked for a reason. */
    record Blocked(int thread, BlockReason reason) {}
}
