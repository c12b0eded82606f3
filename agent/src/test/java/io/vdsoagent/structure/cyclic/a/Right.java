package io.vdsoagent.structure.cyclic.a;

/** See {@link Left}: a field type is reference enough. */
final class Right {
    Left left;
}
