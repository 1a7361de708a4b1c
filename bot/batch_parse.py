"""Rasa's NLU on many texts at once, on the features its classifier reads and no others:
what triage parses the pieces of a long message with (`RasaAssistant.parse_many`).

Rasa's own chain (`RasaAssistant.parse_now`) runs each message through every component:
the tokenizer, then each count-vector featurizer, which makes a row of n-gram counts per
token (sequence features) and one for the whole text (sentence features), then the
logistic regression classifier, which reads only the sentence row, then the fallback
classifier. For the 13 pieces of a 4,096-character message that was most of triage's time.
Here, for a model whose chain is exactly that (`sentence_chain`):
  - the tokenizer and the fallback classifier are Rasa's own `process`;
  - each featurizer's scikit-learn vectorizer counts the sentence n-grams of every text in
    one matrix, as its `transform` does; where n-grams never cross a word (`char_wb`, and
    single words), each distinct word's are found once for all the texts, and counted once
    per text however often it occurs (`counts`); the featurizer's own processing of a
    token (digits, lowercase) is done once per distinct token;
  - the classifier's scikit-learn estimator scores all the rows in one call, and the intent
    and ranking are set as Rasa's classifier sets them.
The parses are Rasa's to the last digit: every row's counts are the same integers, sorted
by column as scikit-learn sorts them, and a sparse row times the weights does not depend on
the other rows. `run` works in steps with `give_way` between them (bot/understanding.py).
tests/integration/test_fast_parse.py compares the two on every held-out and blind line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Texts tokenized in one step of `run` (a 512-character piece takes about 0.1 ms).
TOKENIZED_AT_ONCE = 4


@dataclass(frozen=True)
class SentenceChain:
    tokenizer: Any  # Rasa's WhitespaceTokenizer
    featurizers: tuple[Any, ...]  # Rasa's CountVectorsFeaturizers, in the chain's order
    classifier: Any  # Rasa's LogisticRegressionClassifier
    fallbacks: tuple[Any, ...]  # Rasa's FallbackClassifiers


def sentence_chain(chain: Sequence[Any]) -> SentenceChain | None:
    """`chain` (bot.agent.nlu_components) as a `SentenceChain`, if it is a whitespace
    tokenizer, count-vector featurizers with a vocabulary for the text, one logistic
    regression classifier and fallback classifiers; else None (parse with Rasa's chain)."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT

    kinds = [type(component) for component in chain]
    n = 1
    while n < len(kinds) and kinds[n] is CountVectorsFeaturizer:
        n += 1
    featurizers = tuple(chain[1:n])
    if (
        not kinds
        or kinds[0] is not WhitespaceTokenizer
        or not featurizers
        or not all((f.vectorizers or {}).get(TEXT) for f in featurizers)
        or kinds[n : n + 1] != [LogisticRegressionClassifier]
        or not all(kind is FallbackClassifier for kind in kinds[n + 1 :])
    ):
        return None
    return SentenceChain(chain[0], featurizers, chain[n], tuple(chain[n + 1 :]))


def run(chain: SentenceChain, texts: Sequence[str]) -> list[dict[str, Any]]:
    """What Rasa's parse of each text returns (intent, ranking, text)."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.utils.tensorflow.constants import RANKING_LENGTH
    from scipy.sparse import hstack

    from bot.understanding import give_way

    # In steps, each followed by `give_way` (a long message's pieces are parsed here, and
    # another child's message waits for at most one step): a few texts' tokens, then each
    # featurizer's counts, then the classifier.
    messages = []
    for at in range(0, len(texts), TOKENIZED_AT_ONCE):
        batch = [Message(data={"text": text}) for text in texts[at : at + TOKENIZED_AT_ONCE]]
        messages += chain.tokenizer.process(batch)
        give_way()
    blocks = []
    for featurizer in chain.featurizers:
        # What the featurizer makes of each token depends on the token alone (digits to
        # __NUMBER__, lowercase, out-of-vocabulary words): done once per distinct token.
        processed: dict[str, str] = {}
        docs = []
        for message in messages:
            words = []
            for token in featurizer._get_message_tokens_by_attribute(message, TEXT):
                done = processed.get(token)
                if done is None:
                    done = processed[token] = _processed(featurizer, token)
                words.append(done)
            docs.append(" ".join(words))
        blocks.append(counts(featurizer.vectorizers[TEXT], docs))
        give_way()
    # The row Rasa's classifier builds from the sentence features: each featurizer's
    # columns side by side, in the chain's order.
    rows = hstack(blocks, format="csr")
    estimator = chain.classifier.clf
    probabilities = estimator.predict_proba(rows)
    for message, row in zip(messages, probabilities, strict=True):
        ranking = sorted(
            (
                {"name": name, "confidence": p}
                for name, p in zip(estimator.classes_, row, strict=True)
            ),
            key=lambda entry: -entry["confidence"],
        )
        intent = ranking[0]
        if chain.classifier.config[RANKING_LENGTH] > 0:
            ranking = ranking[: chain.classifier.config[RANKING_LENGTH]]
        message.set("intent", intent, add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)
    for fallback in chain.fallbacks:
        messages = fallback.process(messages)
    return [message.as_dict(only_output_properties=True) for message in messages]


def _processed(featurizer: Any, token: str) -> str:
    """`featurizer._get_processed_message_tokens_by_attribute` for one token; each of its
    steps maps a list of tokens token by token."""
    from rasa.shared.nlu.constants import TEXT

    done = featurizer._process_tokens([token], TEXT)
    done = featurizer._replace_with_oov_token(done, TEXT)
    return str(done[0])


def counts(vectorizer: Any, docs: Sequence[str]) -> Any:
    """`vectorizer.transform(docs)` (a fitted CountVectorizer): the same CSR matrix, made
    faster, where each word's n-grams lie within it (`char_wb`, or single words), by counting
    each distinct word once for all the docs, and once per doc however often it occurs."""
    import numpy as np
    import scipy.sparse as sp

    grams = _grams_of_a_word(vectorizer)
    if grams is None:
        return vectorizer.transform(docs)
    # The whole doc is preprocessed, as scikit-learn does (some of its versions strip
    # accents from a doc only if some character of it is not ASCII).
    preprocess = vectorizer.build_preprocessor()
    vocabulary = vectorizer.vocabulary_
    memo: dict[str, dict[int, int]] = {}
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for doc in docs:
        row: dict[int, int] = {}
        for word, times in Counter(preprocess(vectorizer.decode(doc)).split()).items():
            known = memo.get(word)
            if known is None:
                known = memo[word] = {}
                for gram in grams(word):
                    column = vocabulary.get(gram)
                    if column is not None:
                        known[column] = known.get(column, 0) + 1
            for column, count in known.items():
                row[column] = row.get(column, 0) + count * times
        indices.extend(row)
        values.extend(row.values())
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (
            np.asarray(values, dtype=np.intc),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int32),
        ),
        shape=(len(docs), len(vocabulary)),
        dtype=vectorizer.dtype,
    )
    # Sorted, a row is the same whatever order its columns were found in (and its counts
    # are integers): scikit-learn sorts its own too.
    matrix.sort_indices()
    if vectorizer.binary:
        matrix.data.fill(1)
    return matrix


def _grams_of_a_word(vectorizer: Any) -> Callable[[str], Iterable[str]] | None:
    """The n-grams of one whitespace-free word of a preprocessed doc, for a vectorizer whose
    n-grams never cross a space, so that a doc's are its words' one after another: `char_wb`
    n-grams, or single words of the token pattern (which never match a space); else None."""
    if vectorizer.analyzer == "char_wb":
        ngrams: Callable[[str], Iterable[str]] = vectorizer._char_wb_ngrams
        return ngrams
    if (
        vectorizer.analyzer == "word"
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and tuple(vectorizer.ngram_range) == (1, 1)
    ):
        tokenize: Callable[[str], Iterable[str]] = vectorizer.build_tokenizer()
        return tokenize
    return None


def word_counts(
    ngrams: Any, vocabulary: dict[str, int], text: str, memo: dict[str, dict[int, int]]
) -> dict[int, int]:
    """The vocabulary columns of `ngrams(text)` (a `char_wb` analyzer's n-gram function, on
    text already preprocessed) and how often each occurs, in order of first occurrence,
    as counting them one by one gives: a `char_wb` n-gram lies within one word, so the
    text's n-grams are its words' one after another, and each distinct word is counted
    once (`memo`: word -> its counts, shared by the texts of one call)."""
    found: dict[int, int] = {}
    for word in text.split():
        known = memo.get(word)
        if known is None:
            known = {}
            for gram in ngrams(word):
                column = vocabulary.get(gram)
                if column is not None:
                    known[column] = known.get(column, 0) + 1
            memo[word] = known
        for column, count in known.items():
            found[column] = found.get(column, 0) + count
    return found


__all__ = ["SentenceChain", "counts", "run", "sentence_chain", "word_counts"]
