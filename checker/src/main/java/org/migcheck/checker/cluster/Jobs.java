package org.migcheck.checker.cluster;

import java.util.Map;

/**
 * What a member runs for sharded suites and random-walk swarms. A job names a scenario of the
 * member's catalogue (same code as the coordinator's: {@link Identity}), a variant and knob
 * settings, and the check's options as plain data; the member builds the model itself. Answers are
 * plain data too (see {@code org.migcheck.checker.run.Wire}).
 */
public interface Jobs {
    /** One check of a suite: the encoded result. */
    byte[] check(String scenario, String variant, Map<String, String> settings, byte[] options);

    /** Walks {@code [from, to)} of a random search: the encoded chunk. */
    byte[] walks(String scenario, String variant, Map<String, String> settings, byte[] options, int from, int to);
}
