//! The plain BM25 baseline the quality harness compares against: tantivy's
//! default tokenizer over one text field, no stemming, codes or typos.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TEXT, TantivyDocument, Value};
use tantivy::{Index, IndexReader, Term};

use super::SearchError;
use crate::kb::KnowledgeBase;
use crate::model::Locale;

pub struct BaselineIndex {
    index: Index,
    reader: IndexReader,
}

impl BaselineIndex {
    pub fn build(kb: &KnowledgeBase) -> Result<BaselineIndex, SearchError> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let locale = builder.add_text_field("locale", STRING);
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(2, 64 * 1024 * 1024)?;
        for a in &kb.articles {
            for r in &a.records {
                for (loc, t) in &r.texts {
                    let mut doc = TantivyDocument::default();
                    doc.add_text(id, r.id.to_string());
                    doc.add_text(locale, loc.as_str());
                    doc.add_text(text, &t.markdown);
                    writer.add_document(doc)?;
                }
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(BaselineIndex { index, reader })
    }

    /// Record ids for `text` among the records written in `locale`, best first.
    pub fn search(&self, text: &str, locale: &Locale, limit: usize) -> Result<Vec<String>, SearchError> {
        let schema = self.index.schema();
        let (id, loc, body) = (schema.get_field("id")?, schema.get_field("locale")?, schema.get_field("text")?);
        // Any word may match (BM25 over a disjunction), as a plain search box does.
        let cleaned: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
        let parser_query = QueryParser::for_index(&self.index, vec![body]).parse_query_lenient(&cleaned).0;
        let query = BooleanQuery::new(vec![
            (Occur::Must, parser_query),
            (
                Occur::Must,
                Box::new(TermQuery::new(Term::from_field_text(loc, locale.as_str()), IndexRecordOption::Basic))
                    as Box<dyn Query>,
            ),
        ]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(v) = doc.get_first(id).and_then(|v| v.as_str()) {
                out.push(v.to_owned());
            }
        }
        Ok(out)
    }
}
