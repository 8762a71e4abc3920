"""What the national work reports 2004–2015 (../shared/corpus/national) say, read by hand.

For each year whose next report is there, the headline targets of that year's report (its
主要预期目标 sentence; in 2004, which has none, the growth and jobs targets it states instead)
and the result the next report states for the same year, with the status the ledger's rule gives.
`result` is None where the next report states no figure for that year: a five-year look back
(2008, 2013) often gives only averages, and most reports do not give the unemployment rate.
"""

# (target year, indicator, target as written, result the next report states or None, status)
EXPECTED = [
    (2004, "gdp-growth", "7%左右", "9.5", "met"),  # 2005: 比上年增长9.5%
    (2004, "urban-jobs", "900万人", "980", "met"),  # 2005: 城镇新增就业980万人，超过预期目标
    (2004, "reemployment", "500万人", None, "unclear"),  # 2005 gives no 再就业 figure for 2004
    (2005, "gdp-growth", "8%左右", "9.9", "met"),
    (2005, "urban-jobs", "900万人", "970", "met"),
    (2005, "registered-unemployment", "控制在4.6%", None, "unclear"),
    (2005, "cpi", "控制在4%", "1.8", "met"),  # 2006: 居民消费价格总水平上涨1.8%
    (2006, "gdp-growth", "8%左右", "10.7", "met"),
    (2006, "energy-intensity", "4%左右", "1.2", "missed"),  # 2007: …转为下降1.2%
    (2006, "cpi", "控制在3%", "1.5", "met"),
    (2006, "urban-jobs", "900万人", "1184", "met"),
    (2006, "registered-unemployment", "控制在4.6%", None, "unclear"),
    (2007, "gdp-growth", "8%左右", None, "unclear"),  # 2008 looks back five years: 年均增长10.6%
    (2007, "urban-jobs", "不低于900万人", None, "unclear"),  # 2008: 五年全国新增城镇就业5100万人
    (2007, "registered-unemployment", "控制在4.6%以内", None, "unclear"),
    (2007, "cpi", "3%以内", "4.8", "missed"),  # 2008: 去年居民消费价格总水平比上年上涨4.8%
    (2008, "gdp-growth", "8%左右", "9", "met"),
    (2008, "cpi", "控制在4.8%左右", None, "unclear"),  # 2009: 物价总水平涨幅得到控制
    (2008, "urban-jobs", "1000万人", "1113", "met"),
    (2008, "registered-unemployment", "控制在4.5%左右", None, "unclear"),
    (2009, "gdp-growth", "8%左右", "8.7", "met"),
    (2009, "urban-jobs", "900万人以上", "1102", "met"),
    (2009, "registered-unemployment", "4.6%以内", None, "unclear"),
    (2009, "cpi", "4%左右", None, "unclear"),
    (2010, "gdp-growth", "8%左右", "10.3", "met"),  # 2011: 过去一年…国内生产总值增长10.3%
    (2010, "urban-jobs", "900万人以上", "1168", "met"),
    (2010, "registered-unemployment", "控制在4.6%以内", None, "unclear"),
    (2010, "cpi", "3%左右", "3.3", "met"),  # within half a point of 3%左右
    (2011, "gdp-growth", "8%左右", "9.2", "met"),
    (2011, "cpi", "控制在4%左右", None, "unclear"),
    (2011, "urban-jobs", "900万人以上", "1221", "met"),
    (2011, "registered-unemployment", "控制在4.6%以内", None, "unclear"),
    (2012, "gdp-growth", "7.5%", "7.8", "met"),  # 2013: 2012年，…国内生产总值增长7.8%
    (2012, "urban-jobs", "900万人以上", "1266", "met"),
    (2012, "registered-unemployment", "控制在4.6%以内", None, "unclear"),
    (2012, "cpi", "控制在4%左右", "2.6", "met"),
    (2012, "trade-growth", "10%左右", None, "unclear"),  # 2013 gives only 年均增长12.2%
    (2013, "gdp-growth", "7.5%左右", "7.7", "met"),
    (2013, "cpi", "3.5%左右", "2.6", "met"),
    (2013, "urban-jobs", "900万人以上", "1310", "met"),
    (2013, "registered-unemployment", "低于4.6%", "4.1", "met"),  # 2014: 城镇登记失业率4.1%
    (2014, "gdp-growth", "7.5%左右", "7.4", "met"),  # within half a point of 7.5%左右
    (2014, "cpi", "控制在3.5%左右", "2", "met"),
    (2014, "urban-jobs", "1000万人以上", "1322", "met"),
    (2014, "registered-unemployment", "控制在4.6%以内", None, "unclear"),
    # 2015's targets: no 2016 report in the folder
    (2015, "gdp-growth", "7%左右", None, "pending"),
    (2015, "cpi", "3%左右", None, "pending"),
    (2015, "urban-jobs", "1000万人以上", None, "pending"),
    (2015, "registered-unemployment", "4.5%以内", None, "pending"),
    (2015, "trade-growth", "6%左右", None, "pending"),
    (2015, "energy-intensity", "3.1%以上", None, "pending"),
]
