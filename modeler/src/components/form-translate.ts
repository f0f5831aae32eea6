/**
 * Chinese for form-js's own words: its validation messages ("Field is
 * required."), the date-and-time hint, search and list words (form-js ships
 * English only; task-form.ts installs them as form-js's `translate` service).
 * Pure data, checked by tests/web/labels.test.ts.
 */

export const FORM_ZH: Record<string, string> = {
  'Field is required.': '必填项',
  'Field must match pattern {value}.': '格式不符合要求：{value}',
  'Field must have minimum value of {value}.': '不能小于 {value}',
  'Field must have maximum value of {value}.': '不能大于 {value}',
  'Field must have minimum length of {value}.': '至少 {value} 个字符',
  'Field must have maximum length of {value}.': '最多 {value} 个字符',
  'Field must be a valid email.': '请输入有效的电子邮箱',
  'Field must be a valid international phone number. (e.g. +4930664040900)': '请输入有效的电话号码（如 +8613812345678）',
  'Date and time must both be entered.': '日期和时间都要填写',
  'Value is not a number.': '请输入数字',
  'Value is expected to be an integer.': '请输入整数',
  'Value is expected to have at most 1 decimal digit.': '最多 1 位小数',
  'Value is expected to have at most {value} decimal digits.': '最多 {value} 位小数',
  'Please select a valid value, the two nearest valid values are {previousValue} and {nextValue}.': '请输入有效值，最接近的是 {previousValue} 和 {nextValue}',
  Search: '搜索',
  'No results': '无结果',
  'All values selected': '已全部选择',
  'Remove tag': '移除',
  Increment: '增加',
  Decrement: '减少',
  'Add new': '新增',
  Collapse: '收起',
  'Expand all ({value})': '全部展开（{value}）',
  'Nothing to show.': '无内容',
  'No content to show.': '无内容',
  'No files selected': '未选择文件',
  '{value} files selected': '已选择 {value} 个文件',
  'Next page': '下一页',
  'Previous page': '上一页',
  '{page} of {total}': '第 {page} / {total} 页',
};
