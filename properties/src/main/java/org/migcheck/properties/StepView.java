package org.migcheck.properties;

import java.util.List;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.StateView;

/**
 * One transition as step rules see it: who ran, the trace label, the events the step emitted, and
 * the states before and after.
 */
public record StepView(Model model, int thread, String label, List<Event> events, StateView before, StateView after) {

    public String threadName() { return model.thread(thread).name(); }

    /** Events of type {@code type}, in emission order. */
    public <T extends Event> List<T> events(Class<T> type) {
        if (events.isEmpty()) {
            return List.of();
        }
        List<T> out = new java.util.ArrayList<>(events.size());
        for (Event e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
