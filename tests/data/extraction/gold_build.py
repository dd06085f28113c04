import sys

from goldlib import *

P='/tmp/extraction/pages/'
def canon(t):
    x=t.xpath('//link[@rel="canonical"]/@href') or t.xpath('//meta[@property="og:url"]/@content')
    return x[0]
def paras_from(els):
    out=[]
    for el in els:
        x=text_of(el)
        if x: out.append(x)
    return out

def baodautu():
    fn='baodautu_20260307_1.html'; t=load(P+fn)
    paras=[text_of(t.xpath('//div[@class="sapo_detail"]')[0])]+paras_from(t.xpath('//div[@id="content_detail_news"]/p'))
    e={'url':canon(t),'outlet':'Báo Đầu tư (baodautu.vn)','title':text_of(t.xpath('//div[@class="title-detail"]')[0]),
     'text':'\n'.join(paras),
     'with':['Ông Tống Anh Linh - Giám đốc tài chính của CTCP Tập đoàn Tiên Sơn Thanh Hóa - đã sử dụng 30 tài khoản chứng khoán',
             'UBCKNN quyết định xử phạt ông Tống Anh Linh (địa chỉ: Khu phố 3, Phường Bỉm Sơn, Tỉnh Thanh Hóa) số tiền 1,5 tỷ đồng',
             'Hiện trên thị trường, cổ phiếu AAT của tập đoàn này chỉ còn giao dịch quanh mức 3.000 đồng/cổ phiếu.'],
     'without':['Một cá nhân bị xử phạt vì dùng 19 tài khoản thao túng giá cổ phiếu PAS','Diễn biến cổ phiếu AAT trong giai đoạn 2021 - 2023',
                'Xem thêm trên Báo Đầu Tư','Báo Tài chính - Đầu tư giữ bản quyền nội dung trên website này.'],
     'provenance':{'repo':'meth04/tracking_news-mcp','path':'tests/fixtures/baodautu_article.html','commit':'a10a806b36ecc1be09ae1a47c0e06f880eed9e77'}}
    check(fn,e); save_entry(fn,e)

def cafef():
    fn='cafef_20260307_1.html'; t=load(P+fn)
    c=t.xpath('//div[@data-role="content"]')[0]
    paras=[text_of(t.xpath('//h2[@data-role="sapo"]')[0])]+paras_from(c.xpath('./p'))
    e={'url':canon(t),'outlet':'CafeF (cafef.vn)','title':text_of(t.xpath('//h1[@data-role="title"]')[0]),
     'text':'\n'.join(paras),
     'with':['Theo lộ trình, FTSE Russell sẽ tiến hành kỳ soát xét vào tháng 3 và công bố kết quả vào ngày 7/4.',
             'Lộ trình thực hiện chuyển đổi dự kiến diễn ra theo 2 bước.',
             'Danh sách các cổ phiếu dự kiến được phân bổ vào chỉ số FTSE Emerging All-cap',
             'MBS cũng lưu ý rằng danh mục trên có thể sẽ có sự thay đổi'],
     'without':['Một nhà đầu tư chứng khoán ở Thanh Hóa bị phạt 1,5 tỉ đồng','CÙNG CHUYÊN MỤC','Chịu trách nhiệm nội dung: Ông Nguyễn Thế Tân','Nhịp sống thị trường'],
     'provenance':{'repo':'meth04/tracking_news-mcp','path':'tests/fixtures/cafef_article.html','commit':'a10a806b36ecc1be09ae1a47c0e06f880eed9e77'}}
    check(fn,e); save_entry(fn,e)



def vietnamnet():
    fn='vietnamnet_20260307_1.html'; t=load(P+fn)
    c=t.xpath('//div[@id="maincontent"]')[0]
    paras=[text_of(t.xpath('//h2[contains(@class,"content-detail-sapo")]')[0])]+paras_from(c.xpath('./p'))
    e={'url':canon(t),'outlet':'VietNamNet (vietnamnet.vn)','title':text_of(t.xpath('//h1[@class="content-detail-title"]')[0]),
     'text':'\n'.join(paras),
     'with':['Chứng khoán Artex sẽ là đơn vị quản lý danh sách và sổ cổ đông của FLC',
             'Ngày 20/2/2023, FLC bị hủy niêm yết bắt buộc trên HOSE với gần 710 triệu cổ phiếu',
             'trước khi bị hủy đăng ký giao dịch hoàn toàn.'],
     'without':['Một dự án của FLC. Ảnh: Hồng Khanh','Về lại Tập đoàn FLC, Bamboo Airways có chủ tịch mới','Xem các bài viết của tác giả','Sao chép liên kết'],
     'provenance':{'repo':'meth04/tracking_news-mcp','path':'tests/fixtures/vietnamnet_article.html','commit':'a10a806b36ecc1be09ae1a47c0e06f880eed9e77'}}
    check(fn,e); save_entry(fn,e)

def vnexpress():
    fn='vnexpress_20260307_1.html'; t=load(P+fn)
    a=t.xpath('//article[contains(@class,"fck_detail")]')[0]
    body=[p for p in a.xpath('./p[contains(@class,"Normal")]') if 'text-align:right' not in (p.get('style') or '')]
    paras=[text_of(t.xpath('//p[@class="description"]')[0])]+paras_from(body)
    e={'url':canon(t),'outlet':'VnExpress (vnexpress.net)','title':text_of(t.xpath('//h1[contains(@class,"title-detail")]')[0]),
     'text':'\n'.join(paras),
     'with':['Iraq đã giảm sản lượng 1,5 triệu thùng dầu mỗi ngày',
             'Các nhà máy lọc dầu của Ấn Độ đã mua khoảng 20 triệu thùng dầu thô Nga trong vài ngày qua.',
             'Năm ngoái, EU chỉ nhập khẩu khoảng 8% LNG từ Qatar.',
             'Bộ Công Thương nhận định thị trường xăng dầu đang diễn biến khó lường.'],
     'without':['Trở lại Kinh doanh','Copy link thành công',
                'Công nhân đi qua các ống dẫn dầu tại một nhà máy lọc dầu ở Vũ Hán','Hà Thu (tổng hợp)'],
     'provenance':{'repo':'meth04/tracking_news-mcp','path':'tests/fixtures/vnexpress_article.html','commit':'a10a806b36ecc1be09ae1a47c0e06f880eed9e77'}}
    check(fn,e); save_entry(fn,e)

if __name__=='__main__':
    for name in sys.argv[1:]:
        globals()[name]()
