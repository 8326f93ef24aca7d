/* metrics.h: the evaluation of a classifier (nlp-classify eval): a confusion matrix of counts,
 * accuracy, each class's precision, recall, F1 and support, the macro F1, and the report in
 * text or as one JSON object (nlp-classify(1), OUTPUT).
 *
 * The columns of the confusion matrix are the model's C classes (what it can predict), in the
 * model's order; its rows are those C classes, then one row for each true label that the model
 * does not know, in the order of their bytes. An example of such a label is counted as wrong: it
 * is in `total` and never in `correct`.
 *
 * Precision of a class c: tp / (tp + fp), its predictions that are right; recall: tp / (tp + fn),
 * its true examples found; F1: 2 tp / (2 tp + fp + fn), their harmonic mean; each is 0 when its
 * denominator is 0 (scikit-learn's zero_division=0, which its default "warn" also gives). Support:
 * the true examples of c.
 *
 * Macro F1: the unweighted mean of the F1 of the model's classes that have support or
 * predictions (a class absent from both the true labels and the predictions is left out), which
 * is scikit-learn's f1_score(y_true, y_pred, average='macro', labels=L) with L those classes. The
 * true labels the model does not know are not among them: with none, that is f1_score's default
 * (the labels present in y_true or y_pred); with some, f1_score's default would add a class of F1
 * 0 for each, which this does not. NaN when no class qualifies (no examples), as is the
 * accuracy. */
#ifndef NLP_CLS_METRICS_H
#define NLP_CLS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"

struct cls_metrics {
	const struct strtab *labels; /* the model's, [C], not owned */
	size_t C;
	struct strtab unknown;       /* the true labels the model does not know, by first sight */
	uint64_t *conf;              /* [C + unknown.n][C] counts: row the true label, column the
	                              * predicted class; unknown labels' rows by id, first sight */
	size_t rowcap;               /* rows conf has room for */
	uint64_t total, correct;
};

/* Sets up m for the model's labels (kept, not copied: they must outlive m), C = labels->n >= 1.
 * Returns 0, or -1 with e filled (memory). */
int cls_metrics_init(struct cls_metrics *m, const struct strtab *labels, struct error *e);
void cls_metrics_free(struct cls_metrics *m);

/* Counts one example whose true label is s [n] (any bytes; one the model does not know gets a
 * row of its own) and whose predicted class is predicted (< C). Returns 0, or -1 with e filled
 * (memory, a class out of range). */
int cls_metrics_add(struct cls_metrics *m, const char *s, size_t n, uint32_t predicted,
                    struct error *e);
/* The same with the true label as the model's class id (< C): what the trainer knows. Returns 0,
 * or -1 with e filled (a class out of range). */
int cls_metrics_add_id(struct cls_metrics *m, uint32_t truth, uint32_t predicted,
                       struct error *e);

/* correct / total (NaN when total is 0). */
double cls_metrics_accuracy(const struct cls_metrics *m);
/* The macro F1 of the header comment (NaN when no class has support or predictions). */
double cls_metrics_macro_f1(const struct cls_metrics *m);

/* Class c's figures (c < C); any pointer may be NULL. */
void cls_metrics_class(const struct cls_metrics *m, size_t c, double *precision, double *recall,
                       double *f1, uint64_t *support);

/* The text report, as nlp-classify(1) shows it:
 *     accuracy  0.8123  (8123/10000)
 *     macro F1  0.8120
 *     label   precision  recall  F1      support
 *     0       0.8011     0.8302  0.8154  5012
 *     confusion (rows: true, columns: predicted)
 *             0      1
 *     0       4161   851
 * figures in %.4f ("nan" when not a number), columns left-aligned and separated by at least 2
 * spaces (the label column by 3, its width the longest label's in display columns), no blank at
 * the end of a line; the unknown labels' rows last, in the order of their bytes. Failures are
 * w's. */
void cls_metrics_text(const struct cls_metrics *m, struct writer *w);

/* One line, the JSON object
 *     {"accuracy":A,"correct":N,"total":N,"macro_f1":F,
 *      "classes":[{"label":"L","precision":P,"recall":R,"f1":F,"support":N},...],
 *      "confusion":[[N,...],...],"unknown_labels":["L",...]}
 * with no blank and a newline after it: the classes in the model's order, the confusion's rows
 * as in the text (C columns each), unknown_labels the labels of its rows after the C-th (an
 * empty array when there are none). Numbers in %.6g, NaN as null; strings escaped as JSON needs
 * (\" \\ and \u00XX for control bytes; other bytes as they are). Failures are w's. */
void cls_metrics_json(const struct cls_metrics *m, struct writer *w);
/* The same with more members (a caller's JSON, "\"name\":value,..."; NULL: none) before the
 * closing brace. */
void cls_metrics_json_more(const struct cls_metrics *m, struct writer *w, const char *more);

#endif
