package org.migcheck.properties;

import java.util.List;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.StateView;

/**
 * One transition as step rules see it: who ran, the trace label, the events the step emitted, and
 * the states before and after.
 */
public record StepView(Model model, int thread, java.util.function.Supplier<String> labelFn, List<Event> events, StateView before,
                       StateView after, java.util.function.Supplier<List<String>> stack) {

    /** A step view with a fixed label and no call-stack information (rules that ask for it see an empty stack). */
    public StepView(Model model, int thread, String label, List<Event> events, StateView before, StateView after) {
        this(model, thread, () -> label, events, before, after, List::of);
    }

    /** The trace label of the step, e.g. {@code folio_lock(folio0)} (computed on demand). */
    public String label() { return labelFn.get(); }

    /**
     * The procedures the step runs in, innermost first (the step's own procedure, its caller, ...,
     * the thread's main body), e.g. [migrate_folio_unmap, migrate_pages, kcompactd].
     */
    public List<String> callStack() { return stack.get(); }

    /** Whether the step runs (directly or indirectly) inside a procedure whose name starts with {@code prefix}. */
    public boolean inside(String prefix) {
        for (String p : callStack()) {
            if (p.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public String threadName() { return model.thread(thread).name(); }

    /** Whether the step emitted an event of type {@code type}. */
    public boolean emits(Class<? extends Event> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Events of type {@code type}, in emission order. */
    public <T extends Event> List<T> events(Class<T> type) {
        // asked on every transition by several rules: no list unless the step emitted such an event,
        // and a one-element list (the usual case) without a growable copy
        int first = -1;
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                if (first >= 0) {
                    List<T> out = new java.util.ArrayList<>(events.size() - first);
                    out.add(type.cast(events.get(first)));
                    for (int j = i; j < events.size(); j++) {
                        if (type.isInstance(events.get(j))) {
                            out.add(type.cast(events.get(j)));
                        }
                    }
                    return out;
                }
                first = i;
            }
        }
        return first < 0 ? List.of() : List.of(type.cast(events.get(first)));
    }
}
