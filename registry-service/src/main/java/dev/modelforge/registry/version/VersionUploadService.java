package dev.modelforge.registry.version;

import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.DatasetFormatException;
import dev.modelforge.onnx.data.DatasetLimitException;
import dev.modelforge.onnx.data.DatasetMismatchException;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.UnusableDatasetException;
import dev.modelforge.registry.artifact.ArtifactStore;
import dev.modelforge.registry.artifact.StoredBlob;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.ModelService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An upload from first byte to committed version: stream the model to storage while hashing it and
 * reading its signature, check datasets against the signature, then register everything in one
 * transaction. Whatever fails, objects this upload created and nothing references are removed.
 */
@ApplicationScoped
public class VersionUploadService {
    @Inject
    ArtifactStore artifacts;

    @Inject
    VersionRegistrar registrar;

    @Inject
    UploadConfig config;

    @Inject
    MeterRegistry meters;

    @Inject
    ModelDirectoryUploads directories;

    private ExecutorService parserThreads;

    @PostConstruct
    void init() {
        parserThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "onnx-signature-reader");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void shutdown() {
        parserThreads.shutdownNow();
    }

    /** The raw path: the request body is the ONNX file, read straight from the connection. */
    public UploadOutcome uploadRaw(String modelName, InputStream body, long declaredLength, SourceMetadata source,
                                   String idempotencyKey, Uploader uploader) {
        return uploadRaw(modelName, body, declaredLength, null, source, idempotencyKey, uploader);
    }

    /**
     * The raw path with the client's declared SHA-256 ({@code Repr-Digest}), which lets the bytes go straight
     * to their content address; they are still hashed and a mismatch is refused with nothing stored.
     */
    public UploadOutcome uploadRaw(String modelName, InputStream body, long declaredLength, String declaredSha256,
                                   SourceMetadata source, String idempotencyKey, Uploader uploader) {
        checkBeforeReading(modelName, declaredLength, source);
        if (declaredLength == 0) {
            throw ProblemException.missingModelPart("the request body is empty; send the ONNX file as the body");
        }
        return upload(modelName, body, declaredLength, declaredSha256, null, null, source, idempotencyKey, uploader);
    }

    /** The multipart path: Quarkus has spooled the parts to temp files, which it deletes after the request. */
    public UploadOutcome uploadFiles(String modelName, Path model, Path eval, Path calibration, SourceMetadata source,
                                     String idempotencyKey, Uploader uploader) {
        if (model == null) {
            throw ProblemException.missingModelPart("the multipart body has no 'model' part; send the ONNX file "
                    + "as a file part named 'model'");
        }
        checkBeforeReading(modelName, size(model), source);
        if (size(model) == 0) {
            throw ProblemException.missingModelPart("the 'model' part is empty");
        }
        checkDatasetSizes(eval, calibration);
        try (InputStream in = Files.newInputStream(model)) {
            return upload(modelName, in, size(model), null, eval, calibration, source, idempotencyKey, uploader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A model directory (model.onnx plus external data) as a tar stream, raw body or spooled multipart part: each
     * file is stored content-addressed as it streams past, and the version's artifact is their manifest.
     */
    public UploadOutcome uploadDirectory(String modelName, InputStream tar, long declaredLength, Path eval,
                                         Path calibration, SourceMetadata source, String idempotencyKey,
                                         Uploader uploader) {
        checkBeforeReading(modelName, declaredLength, source);
        if (declaredLength == 0) {
            throw ProblemException.missingModelPart("the request body is empty; send the model directory as a tar");
        }
        checkDatasetSizes(eval, calibration);
        return upload(modelName, stored -> {
            try {
                ModelDirectoryUploads.Stored d = directories.read(tar, parserThreads, stored);
                return new StoredModel(d.manifest(), d.signature(), d.files());
            } catch (RuntimeException e) {
                if (tar instanceof RequestBodyStream request && request.failure() != null) {
                    throw request.failure(); // the client went away or silent: the root cause, whatever it broke
                }
                throw e;
            }
        }, eval, calibration, source, idempotencyKey, uploader);
    }

    /** The multipart path with a tar as the 'model' part. */
    public UploadOutcome uploadDirectoryFile(String modelName, Path tar, Path eval, Path calibration,
                                             SourceMetadata source, String idempotencyKey, Uploader uploader) {
        try (InputStream in = Files.newInputStream(tar)) {
            return uploadDirectory(modelName, in, size(tar), eval, calibration, source, idempotencyKey, uploader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkDatasetSizes(Path eval, Path calibration) {
        for (Path dataset : new Path[] {eval, calibration}) {
            if (dataset != null && size(dataset) > config.maxDatasetSize().asLongValue()) {
                throw ProblemException.tooLarge(config.maxDatasetSize().asLongValue());
            }
        }
    }

    private void checkBeforeReading(String modelName, long declaredLength, SourceMetadata source) {
        ModelService.requireValidName(modelName);
        SourceLimits.check(source);
        if (declaredLength > config.maxSize().asLongValue()) {
            throw ProblemException.tooLarge(config.maxSize().asLongValue());
        }
    }

    private UploadOutcome upload(String modelName, InputStream body, long length, String declaredSha256, Path eval,
                                 Path calibration, SourceMetadata source, String idempotencyKey, Uploader uploader) {
        return upload(modelName, stored -> storeModel(body, length, declaredSha256, stored), eval, calibration,
                source, idempotencyKey, uploader);
    }

    private UploadOutcome upload(String modelName, java.util.function.Function<List<StoredBlob>, StoredModel> storer,
                                 Path eval, Path calibration, SourceMetadata source, String idempotencyKey,
                                 Uploader uploader) {
        List<StoredBlob> stored = new ArrayList<>(3);
        try {
            StoredModel model = storer.apply(stored);
            ModelSignature signature = model.signature();
            StoredBlob evalBlob = storeDataset("eval", eval, signature, stored);
            StoredBlob calibrationBlob = storeDataset("calibration", calibration, signature, stored);
            UploadOutcome outcome = registrar.register(modelName, model.blob(), model.files(), evalBlob,
                    calibrationBlob, Signatures.toDto(signature), source, idempotencyKey, uploader);
            stored.forEach(artifacts::release); // committed: the rows hold the objects now
            meters.counter("modelforge.uploads", "outcome", outcome.created() ? "created" : "idempotent").increment();
            meters.counter("modelforge.upload.bytes").increment(model.files() == null ? model.blob().sizeBytes()
                    : model.files().values().stream().mapToLong(StoredBlob::sizeBytes).sum());
            return outcome;
        } catch (RuntimeException e) {
            stored.forEach(artifacts::discardIfUnreferenced);
            meters.counter("modelforge.uploads", "outcome", "rejected").increment();
            throw e;
        }
    }

    private StoredModel storeModel(InputStream body, long length, String declaredSha256, List<StoredBlob> stored) {
        var tee = new SignatureTee(body, parserThreads, config.modelLimits().toLimits());
        StoredBlob blob;
        try {
            blob = artifacts.store(tee, length, MediaTypes.ONNX, config.maxSize().asLongValue(), declaredSha256);
        } catch (RuntimeException e) {
            RuntimeException parseFailure = tee.failure();
            tee.abandon();
            if (body instanceof RequestBodyStream request && request.failure() != null) {
                throw request.failure(); // the client went away or silent: the root cause, whatever it broke
            }
            if (!(e instanceof ProblemException) && parseFailure instanceof InvalidOnnxException invalid) {
                throw UploadProblems.of(invalid);
            }
            throw e;
        }
        stored.add(blob); // from here on, a failure must remove it
        try {
            return new StoredModel(blob, tee.signature(), null);
        } catch (InvalidOnnxException e) {
            throw UploadProblems.of(e);
        }
    }

    private StoredBlob storeDataset(String part, Path file, ModelSignature signature, List<StoredBlob> stored) {
        if (file == null) {
            return null;
        }
        try {
            EvalDataset.load(file, signature, config.maxDatasetDecodedSize().asLongValue());
        } catch (UnusableDatasetException e) {
            throw UploadProblems.unusableDataset(part, e);
        } catch (DatasetLimitException e) {
            throw UploadProblems.datasetLimit(part, e);
        } catch (DatasetMismatchException e) {
            throw ProblemException.datasetMismatch(part, e.getMessage());
        } catch (DatasetFormatException e) {
            throw ProblemException.invalidDataset(part, e.getMessage());
        }
        try (InputStream in = Files.newInputStream(file)) {
            StoredBlob blob = artifacts.store(in, Files.size(file), MediaTypes.DATASET,
                    config.maxDatasetSize().asLongValue());
            stored.add(blob);
            return blob;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored model: its blob (a directory's manifest) and, for a directory, the files by path. */
    private record StoredModel(StoredBlob blob, ModelSignature signature, java.util.Map<String, StoredBlob> files) {
    }
}
