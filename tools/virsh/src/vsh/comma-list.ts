/**
 * Splits a virsh list argument at commas, where `,,` stands for a literal comma (vshStringToArray):
 * pairs are read left to right, so `a,,,b` is `a,` and `b`. A trailing comma yields an empty item.
 */
export function splitCommaList(text: string): string[] {
  const items: string[] = [];
  let item = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ',') item += text[i];
    else if (text[i + 1] === ',') {
      item += ',';
      i++;
    } else {
      items.push(item);
      item = '';
    }
  }
  items.push(item);
  return items;
}
