/**
 * ModelForge's ONNX compiler: {@code ir} (a mutable graph view over the ONNX protobuf),
 * {@code pass} (one class per model transformation, each a pure {@code Model → Model} with a report),
 * {@code calibrate}, {@code validate} (ONNX Runtime checks), {@code recipe} (pass lists),
 * {@code report} (JSON reports) and {@code cli} (the {@code compress} command).
 */
package dev.modelforge.compress;
