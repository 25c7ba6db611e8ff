import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceFile } from './catalog.types.js';
import type { KeysetPosition } from '../common/pagination/cursor.js';
import { queryWords, tsQueryFor } from './search-text.js';

export interface ServiceSearch {
  query?: string;
  areaId?: string;
  lifeSituation?: string;
  audience?: string;
  onlineOnly?: boolean;
  after?: KeysetPosition;
  first: number;
}

export interface ServiceRow {
  id: string;
  version: number;
  data: ServiceFile;
  position: KeysetPosition;
  relevance?: number;
}

const VISIBLE = `s.removed = false and s.status = 'PUBLISHED'
  and (s.valid_from is null or s.valid_from <= current_date) and (s.valid_to is null or s.valid_to >= current_date)`;

/** The SQL of the public service search: filters, German full text, keyset paging. */
@Injectable()
export class ServiceRepository {
  constructor(private readonly em: EntityManager) {}

  async search(search: ServiceSearch): Promise<{ rows: ServiceRow[]; totalCount: number; hasNextPage: boolean }> {
    const words = search.query ? queryWords(search.query) : [];
    let result = await this.run(search, words, false);
    // nothing found: try similar spellings (typos)
    if (words.length > 0 && result.totalCount === 0) result = await this.run(search, words, true);
    return result;
  }

  private async run(search: ServiceSearch, words: string[][], fuzzy: boolean) {
    const where: string[] = [VISIBLE];
    const params: unknown[] = [];
    if (search.areaId) {
      where.push('s.area_id = ?');
      params.push(search.areaId);
    }
    if (search.lifeSituation) {
      where.push('? = any(s.life_situations)');
      params.push(search.lifeSituation);
    }
    if (search.audience) {
      where.push('? = any(s.audience)');
      params.push(search.audience);
    }
    if (search.onlineOnly) where.push(`s.online_availability in ('ONLINE', 'PARTLY_ONLINE')`);

    const folded = words.map((w) => w[w.length - 1]).join(' ');
    let rank = '0::float8';
    const rankParams: unknown[] = [];
    if (words.length > 0 && !fuzzy) {
      for (const variants of words) {
        const likes = variants.map(() => 's.search_text like ?').join(' or ');
        where.push(`(s.search_document @@ to_tsquery('german', ?) or ${likes})`);
        params.push(tsQueryFor(variants), ...variants.map((v) => `%${v}%`));
      }
      // the words as a phrase (e.g. a synonym "Auto anmelden") count more than the words apart
      rank = `(ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.search_document, to_tsquery('german', ?), 1)
        + word_similarity(?, s.title_sort)
        + case when ? and strpos(s.search_text, ?) > 0 then 1.0 else 0 end)::float8`;
      rankParams.push(words.map(tsQueryFor).map((q) => `(${q})`).join(' | '), folded, words.length > 1, folded);
    } else if (words.length > 0) {
      where.push('word_similarity(?, s.search_text) >= 0.45');
      params.push(folded);
      rank = 'word_similarity(?, s.search_text)::float8';
      rankParams.push(folded);
    }
    const searching = words.length > 0;
    const sortA = searching ? `(-${rank})` : 'a.position::float8';
    const base = `from "service" s join "service_area" a on a.id = s.area_id where ${where.join(' and ')}`;

    // one statement: the matches with their total (window count), sort keys only, then the page with its jsonb
    const pageWhere = search.after ? 'where (m.sort_a, m.sort_b, m.id) > (?::float8, ?, ?)' : '';
    const sql = `with m as (select s.id, ${sortA} as sort_a, s.title_sort as sort_b, count(*) over () as total ${base}),
      page as (select * from m ${pageWhere} order by m.sort_a, m.sort_b, m.id limit ?)
      select page.*, s.version, s.data from page join "service" s on s.id = page.id order by page.sort_a, page.sort_b, page.id`;
    const rows = await this.em
      .getConnection()
      .execute<Array<{ id: string; version: number; data: ServiceFile; sort_a: number; sort_b: string; total: string }>>(sql, [
        ...rankParams,
        ...params,
        ...(search.after ?? []),
        search.first + 1,
      ]);
    // past the last page the window count is not there; count separately (rare)
    const count =
      rows.length > 0
        ? Number(rows[0].total)
        : Number((await this.em.getConnection().execute<Array<{ count: string }>>(`select count(*) as count ${base}`, params))[0].count);
    return {
      totalCount: count,
      hasNextPage: rows.length > search.first,
      rows: rows.slice(0, search.first).map((r) => ({
        id: r.id,
        version: r.version,
        data: r.data,
        position: [Number(r.sort_a), r.sort_b, r.id] as KeysetPosition,
        relevance: searching ? -Number(r.sort_a) : undefined,
      })),
    };
  }

  async countByArea(): Promise<Map<string, number>> {
    const rows = await this.em
      .getConnection()
      .execute<Array<{ area_id: string; n: string }>>(`select s.area_id, count(*) as n from "service" s where ${VISIBLE} group by s.area_id`);
    return new Map(rows.map((r) => [r.area_id, Number(r.n)]));
  }
}
