/**
 * The fee catalogue (维修项目收费标准, R-PAID-3): categories, departments and
 * the default price list the demo seeds. The mongoose model is
 * fee-catalogue.model.ts; the admin edits it through /api/fee-catalogue.
 */

/** R-PAID-1: what paid service covers (appliance repair and renovation are not in it). */
export const FEE_CATEGORIES = ['water', 'electric', 'installation', 'cleaning', 'greening'] as const;
export type FeeCategory = (typeof FEE_CATEGORIES)[number];

export const FEE_CATEGORY_LABEL: Record<FeeCategory, string> = {
  water: '给排水 water',
  electric: '电路 electrical',
  installation: '安装 installation',
  cleaning: '保洁 cleaning',
  greening: '绿化 greening',
};

/** Which department does the job (有偿服务通知单: one copy to the department). */
export function departmentOf(category: FeeCategory | undefined): 'engineering' | 'cleaning' {
  return category === 'cleaning' || category === 'greening' ? 'cleaning' : 'engineering';
}

export interface FeeCatalogueEntry {
  /** Item code, e.g. `W-05`. */
  _id: string;
  name: string;
  category: FeeCategory;
  /** 计价单位 */
  unit: string;
  /** Yuan per unit (labour; materials at cost). */
  price: number;
  note?: string;
}

/** A realistic default catalogue (labour only; materials at cost), the demo seed. */
export const DEFAULT_FEE_CATALOGUE: readonly FeeCatalogueEntry[] = [
  { _id: 'W-01', category: 'water', name: '更换水龙头 Replace a tap', unit: '个', price: 20 },
  { _id: 'W-02', category: 'water', name: '更换角阀 Replace an angle valve', unit: '个', price: 20 },
  { _id: 'W-03', category: 'water', name: '更换进水软管 Replace a supply hose', unit: '根', price: 15 },
  { _id: 'W-04', category: 'water', name: '疏通洗菜盆或洗脸盆下水 Unblock a sink or basin drain', unit: '次', price: 50 },
  { _id: 'W-05', category: 'water', name: '疏通马桶 Unblock a toilet', unit: '次', price: 80 },
  { _id: 'W-06', category: 'water', name: '疏通地漏 Unblock a floor drain', unit: '次', price: 50 },
  { _id: 'W-07', category: 'water', name: '更换马桶水箱配件 Replace toilet cistern fittings', unit: '套', price: 40 },
  { _id: 'W-08', category: 'water', name: '更换户内总阀 Replace the flat\'s main valve', unit: '个', price: 60 },
  { _id: 'W-09', category: 'water', name: '维修明管漏水 Fix a leaking exposed pipe', unit: '处', price: 60 },
  { _id: 'W-10', category: 'water', name: '安装洗脸盆 Install a wash basin', unit: '套', price: 100 },
  { _id: 'E-01', category: 'electric', name: '更换开关或插座 Replace a switch or socket', unit: '个', price: 15 },
  { _id: 'E-02', category: 'electric', name: '更换灯泡或灯管 Replace a bulb or tube', unit: '个', price: 10 },
  { _id: 'E-03', category: 'electric', name: '安装吸顶灯 Install a ceiling lamp', unit: '盏', price: 40 },
  { _id: 'E-04', category: 'electric', name: '安装吊灯 Install a pendant lamp', unit: '盏', price: 80 },
  { _id: 'E-05', category: 'electric', name: '更换空气开关 Replace a circuit breaker', unit: '个', price: 30 },
  { _id: 'E-06', category: 'electric', name: '户内线路故障检修 Trace an in-home wiring fault', unit: '次', price: 60 },
  { _id: 'E-07', category: 'electric', name: '安装浴霸 Install a bathroom heater', unit: '台', price: 80 },
  { _id: 'E-08', category: 'electric', name: '安装排风扇 Install an exhaust fan', unit: '台', price: 50 },
  { _id: 'I-01', category: 'installation', name: '安装电热水器 Install an electric water heater', unit: '台', price: 120 },
  { _id: 'I-02', category: 'installation', name: '安装晾衣架 Install a drying rack', unit: '套', price: 80 },
  { _id: 'I-03', category: 'installation', name: '安装窗帘轨道 Install a curtain track', unit: '米', price: 15 },
  { _id: 'I-04', category: 'installation', name: '安装毛巾架或置物架 Install towel or shelf fittings', unit: '套', price: 30 },
  { _id: 'C-01', category: 'cleaning', name: '家庭日常保洁 Home cleaning', unit: '小时', price: 40 },
  { _id: 'C-02', category: 'cleaning', name: '新房开荒保洁 Move-in deep cleaning', unit: '平方米', price: 8 },
  { _id: 'C-03', category: 'cleaning', name: '擦玻璃 Window cleaning', unit: '平方米', price: 5 },
  { _id: 'C-04', category: 'cleaning', name: '油烟机清洗 Range-hood cleaning', unit: '台', price: 120 },
  { _id: 'C-05', category: 'cleaning', name: '地毯清洗 Carpet cleaning', unit: '平方米', price: 15 },
  { _id: 'G-01', category: 'greening', name: '室内绿植养护 Indoor plant care', unit: '次', price: 30 },
  { _id: 'G-02', category: 'greening', name: '庭院绿化修剪 Garden trimming', unit: '小时', price: 50 },
  { _id: 'G-03', category: 'greening', name: '花卉换盆 Repotting', unit: '盆', price: 20 },
];
