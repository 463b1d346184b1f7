/** Types of the parts of parse-prometheus-text-format (which ships none) that the tests use. */
declare module 'parse-prometheus-text-format' {
  export interface PrometheusSample {
    value?: string;
    labels?: Record<string, string>;
    /** Histograms: upper bound -> cumulative count. */
    buckets?: Record<string, string>;
    /** Summaries: quantile -> value. */
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }

  export interface PrometheusMetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PrometheusSample[];
  }

  export default function parsePrometheusTextFormat(text: string): PrometheusMetricFamily[];
}
