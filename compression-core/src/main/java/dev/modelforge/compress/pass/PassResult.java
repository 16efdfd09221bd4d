package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Model;

/** The output model of a pass and its report. */
public record PassResult(Model model, PassReport report) {
}
