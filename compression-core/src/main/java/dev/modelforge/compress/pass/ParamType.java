package dev.modelforge.compress.pass;

/** The value kinds a pass parameter can take. */
public enum ParamType {
    BOOLEAN, INTEGER, NUMBER, STRING, CHOICE, STRING_LIST
}
