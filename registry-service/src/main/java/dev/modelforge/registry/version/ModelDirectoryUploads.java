package dev.modelforge.registry.version;

import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.onnx.ExternalData;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.registry.artifact.ArtifactStore;
import dev.modelforge.registry.artifact.Manifests;
import dev.modelforge.registry.artifact.StoredBlob;
import dev.modelforge.registry.error.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A model directory upload: a tar stream of {@code model.onnx} and its external-data files, read in one pass and
 * never held in memory. Each regular file streams into content-addressed storage as it arrives (the graph through
 * the structural check on the way); once the stream ends, every external-data reference of the graph must name a
 * file of the upload and lie inside it, and the files are listed in a manifest stored as one more blob,
 * the version's artifact.
 */
@ApplicationScoped
class ModelDirectoryUploads {
    @Inject
    ArtifactStore artifacts;

    @Inject
    UploadConfig config;

    @Inject
    Manifests manifests;

    /** What the upload stored: the graph's signature, the manifest blob and the files by path. */
    record Stored(ModelSignature signature, StoredBlob manifest, Map<String, StoredBlob> files) {
    }

    /**
     * Reads the tar stream to its end.
     *
     * @param body          the tar bytes; not closed
     * @param parserThreads where the graph's structural check runs
     * @param stored        receives every blob as soon as it is stored, so the caller removes them if anything fails
     */
    Stored read(InputStream body, ExecutorService parserThreads, List<StoredBlob> stored) {
        long budget = config.maxSize().asLongValue();
        Map<String, StoredBlob> files = new TreeMap<>();
        ModelSignature signature = null;
        List<ExternalData.TensorRef> references = List.of();
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(new NoClose(body));
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isDirectory()) {
                    continue;
                }
                String path = pathOf(entry);
                if (!entry.isFile()) {
                    throw badDirectory("'" + entry.getName() + "' is not a regular file (links and devices "
                            + "are refused: every file must be in the upload itself)");
                }
                if (files.containsKey(path)) {
                    throw badDirectory("'" + path + "' appears twice in the upload");
                }
                if (files.size() >= config.maxDirectoryFiles()) {
                    throw new ProblemException(422, ProblemTypes.LIMIT_EXCEEDED, "Model past a limit",
                            "the model directory has more than " + config.maxDirectoryFiles() + " files (raise "
                                    + "modelforge.upload.max-directory-files if it is genuine); nothing was stored");
                }
                StoredBlob blob;
                if (path.equals(ManifestFile.MODEL_FILE)) {
                    var tee = new SignatureTee(tar, parserThreads, config.modelLimits().toLimits(), true);
                    blob = storeModel(tee, entry.getSize(), budget);
                    stored.add(blob);
                    try {
                        signature = tee.signature();
                        references = tee.references();
                    } catch (InvalidOnnxException e) {
                        throw UploadProblems.of(e);
                    }
                } else {
                    blob = artifacts.store(tar, entry.getSize(), MediaTypes.OCTET_STREAM, budget);
                    stored.add(blob);
                }
                budget -= blob.sizeBytes();
                files.put(path, blob);
            }
        } catch (IOException e) {
            throw ProblemException.invalidRequest("the body is not a readable tar stream of a model directory ("
                    + e.getMessage() + "); send e.g. `tar -C model-dir -cf - .`");
        }
        if (signature == null) {
            throw badDirectory("the upload has no '" + ManifestFile.MODEL_FILE + "' at its top; a model directory "
                    + "is model.onnx plus the external-data files its tensors name");
        }
        Map<String, Long> sizes = new TreeMap<>();
        files.forEach((path, blob) -> sizes.put(path, blob.sizeBytes()));
        try {
            ExternalData.checkInside(sizes, references);
        } catch (InvalidOnnxException e) {
            throw UploadProblems.of(e);
        }
        StoredBlob manifest = storeManifest(files);
        stored.add(manifest);
        return new Stored(signature, manifest, files);
    }

    private StoredBlob storeModel(SignatureTee tee, long length, long budget) {
        try {
            return artifacts.store(tee, length, MediaTypes.ONNX, budget);
        } catch (RuntimeException e) {
            RuntimeException parseFailure = tee.failure();
            tee.abandon();
            if (!(e instanceof ProblemException) && parseFailure instanceof InvalidOnnxException invalid) {
                throw UploadProblems.of(invalid);
            }
            throw e;
        }
    }

    private StoredBlob storeManifest(Map<String, StoredBlob> files) {
        List<ManifestFile> listed = new ArrayList<>(files.size());
        files.forEach((path, blob) -> listed.add(new ManifestFile(path, blob.sha256(), blob.sizeBytes())));
        return manifests.store(listed);
    }

    /** The entry's path in canonical form; unsafe names (absolute, {@code ..}, drive, backslash) are refused. */
    private static String pathOf(TarArchiveEntry entry) {
        String name = entry.getName();
        String unsafe = ExternalData.unsafeReason(name);
        if (unsafe != null) {
            throw badDirectory("entry '" + name + "' is refused: " + unsafe + "; entries must be relative paths "
                    + "inside the model directory");
        }
        try {
            return ExternalData.normalize(name);
        } catch (InvalidOnnxException e) {
            throw badDirectory("entry '" + name + "' names no file");
        }
    }

    private static ProblemException badDirectory(String detail) {
        return new ProblemException(422, ProblemTypes.UNRUNNABLE_MODEL, "Model can never run",
                detail + "; nothing was stored");
    }

    /** The tar reader closes what it wraps on errors; the request body is the caller's to close. */
    private static final class NoClose extends FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
